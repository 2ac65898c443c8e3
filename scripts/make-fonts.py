#!/usr/bin/env python3
"""Cuts the ЕПД fonts from Debian's DejaVu Sans (fonts-dejavu-core), once; the output is committed.

- Subset to Latin, Cyrillic, digits and the signs a ЕПД prints (pyftsubset's machinery), which
  shrinks every PDF from ~180 KB of font data to ~20 KB.
- Composite glyphs are decomposed into plain outlines: libharu 2.3.0 embeds a TrueType subset
  without the components of composite glyphs, so letters such as «Ы» (Ь + I in DejaVu) lost a
  part when printed.

Run: pip install fonttools && python3 scripts/make-fonts.py
"""
from fontTools import subset
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

SOURCES = {
    "ERCSans.ttf": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "ERCSans-Bold.ttf": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
}
UNICODES = (
    list(range(0x20, 0x7F)) + list(range(0xA0, 0x100)) + list(range(0x400, 0x460))
    + [0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x201E, 0x2022, 0x2026, 0x2116, 0x20BD,
       0x2009, 0x202F, 0x00B2, 0x00B3, 0x00B7, 0x2212]
)


def decompose(font):
    glyf = font["glyf"]
    glyph_set = font.getGlyphSet()
    for name in font.getGlyphOrder():
        glyph = glyf[name]
        if not glyph.isComposite():
            continue
        recording = DecomposingRecordingPen(glyph_set)
        glyph_set[name].draw(recording)
        pen = TTGlyphPen(None)
        recording.replay(pen)
        glyf[name] = pen.glyph()


for out, source in SOURCES.items():
    font = TTFont(source)
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    decompose(font)
    font.save(f"Sources/Receipts/Fonts/{out}")
    print(out)
