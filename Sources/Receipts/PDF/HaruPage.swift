import CHaru

/// A page of a ``HaruDocument``, valid while the document lives. Coordinates are PDF points
/// from the bottom-left corner; `text` draws from the top-left of the line box.
struct HaruPage {
    let raw: HPDF_Page
    unowned let document: HaruDocument

    static let width: Float = 595.276
    static let height: Float = 841.89

    func text(
        _ string: String, x: Float, y: Float, size: Float, bold: Bool = false
    ) throws(PDFError) {
        let font = bold ? document.bold : document.regular
        try document.check(HPDF_Page_BeginText(raw), "beginning text")
        try document.check(HPDF_Page_SetFontAndSize(raw, font, size), "setting the font")
        try document.check(HPDF_Page_TextOut(raw, x, y, string), "writing text")
        try document.check(HPDF_Page_EndText(raw), "ending text")
    }

    /// Draws text right-aligned so that it ends at `right`.
    func textRight(_ string: String, right: Float, y: Float, size: Float, bold: Bool = false) throws(PDFError) {
        let width = self.width(of: string, size: size, bold: bold)
        try text(string, x: right - width, y: y, size: size, bold: bold)
    }

    func width(of string: String, size: Float, bold: Bool = false) -> Float {
        HPDF_Page_SetFontAndSize(raw, bold ? document.bold : document.regular, size)
        return HPDF_Page_TextWidth(raw, string)
    }

    /// Splits text into lines no wider than `width`, at spaces (a word longer than the line is
    /// split between characters), so nothing is cut.
    func wrap(_ string: String, width: Float, size: Float, bold: Bool = false) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in string.split(separator: " ") {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if self.width(of: candidate, size: size, bold: bold) <= width {
                line = candidate
                continue
            }
            if !line.isEmpty { lines.append(line) }
            line = ""
            for character in word {
                if self.width(of: line + String(character), size: size, bold: bold) > width && !line.isEmpty {
                    lines.append(line)
                    line = ""
                }
                line.append(character)
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines.isEmpty ? [""] : lines
    }

    func line(x1: Float, y1: Float, x2: Float, y2: Float, width: Float = 0.5) throws(PDFError) {
        try document.check(HPDF_Page_SetLineWidth(raw, width), "setting the line width")
        try document.check(HPDF_Page_MoveTo(raw, x1, y1), "drawing a line")
        try document.check(HPDF_Page_LineTo(raw, x2, y2), "drawing a line")
        try document.check(HPDF_Page_Stroke(raw), "drawing a line")
    }

    /// A dashed horizontal line, as a tear-off mark.
    func dashedLine(x1: Float, y: Float, x2: Float) throws(PDFError) {
        var pattern: [UInt16] = [3, 2]
        try document.check(HPDF_Page_SetDash(raw, &pattern, 2, 0), "setting a dash pattern")
        try line(x1: x1, y1: y, x2: x2, y2: y, width: 0.4)
        try document.check(HPDF_Page_SetDash(raw, nil, 0, 0), "clearing the dash pattern")
    }

    func rectangle(x: Float, y: Float, width: Float, height: Float) throws(PDFError) {
        try document.check(HPDF_Page_SetLineWidth(raw, 0.5), "setting the line width")
        try document.check(HPDF_Page_Rectangle(raw, x, y, width, height), "drawing a frame")
        try document.check(HPDF_Page_Stroke(raw), "drawing a frame")
    }

    func draw(image: HPDF_Image, x: Float, y: Float, size: Float) throws(PDFError) {
        try document.check(HPDF_Page_DrawImage(raw, image, x, y, size, size), "drawing an image")
    }
}
