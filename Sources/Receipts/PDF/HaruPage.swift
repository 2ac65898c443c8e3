import CHaru
import Core

/// A page of a ``HaruDocument``, valid while the document lives. Coordinates are PDF points
/// from the bottom-left corner; `text` draws from the top-left of the line box.
struct HaruPage {
    let raw: HPDF_Page
    unowned let document: HaruDocument

    static let width: Float = 595.276
    static let height: Float = 841.89

    /// Writes text. Consecutive texts share one text object and set the font only when it
    /// changes; drawing anything else ends the text object first. Positions are snapped to a
    /// quarter point, which keeps the page's numbers short. Text in the one-byte font is written
    /// here, as bytes (libharu would escape every byte above 127 as four characters), after
    /// measuring it on the font, which marks its glyphs for the embedded subset as libharu's own
    /// text output does; other text goes through libharu.
    func text(
        _ string: String, x: Float, y: Float, size: Float, bold: Bool = false
    ) throws(PDFError) {
        let (bytes, cp1251) = HaruPage.encode(string)
        let font = try document.font(bold: bold, cp1251: cp1251)
        try write(bytes, cp1251: cp1251, font: font, measured: false, x: x, y: y, size: size)
    }

    /// Writes encoded text (``encode(_:)``) in `font`; `measured` says its width was already
    /// taken on the font (which marked its glyphs).
    private func write(
        _ bytes: [CChar], cp1251: Bool, font: HPDF_Font, measured: Bool, x: Float, y: Float, size: Float
    ) throws(PDFError) {
        let state = document.textState
        if !state.open {
            try document.check(HPDF_Page_BeginText(raw), "beginning text")
            state.open = true
            state.lineStart = (0, 0)
        }
        // The font stays set across text objects (it is graphics state); libharu's own text
        // output (UTF-8) is given it again, as its idea of the font may be a form's.
        if !cp1251 || state.font?.font != font || state.font?.size != size {
            try document.check(HPDF_Page_SetFontAndSize(raw, font, size), "setting the font")
            state.font = (font, size)
        }
        let (x, y) = (HaruPage.snap(x), HaruPage.snap(y))
        guard cp1251 else {
            erc_page_set_line_start(raw, state.lineStart.x, state.lineStart.y)
            let status = bytes.withUnsafeBufferPointer { HPDF_Page_TextOut(raw, x, y, $0.baseAddress) }
            try document.check(status, "writing text")
            state.lineStart = (x, y)
            return
        }
        if !measured { _ = HaruPage.width(of: bytes, in: font) }
        var operators = Array(
            "\(HaruPage.number(x - state.lineStart.x)) \(HaruPage.number(y - state.lineStart.y)) Td (".utf8)
        operators.reserveCapacity(operators.count + bytes.count + 8)
        for byte in bytes.dropLast() {
            switch UInt8(bitPattern: byte) {
            case 0x28, 0x29, 0x5C: operators += [0x5C, UInt8(bitPattern: byte)]  // ( ) backslash
            case 0x0A: operators += [0x5C, 0x6E]
            case 0x0D: operators += [0x5C, 0x72]
            case let other: operators.append(other)
            }
        }
        operators += Array(") Tj\n".utf8)
        let status = operators.withUnsafeBufferPointer { erc_page_write(raw, $0.baseAddress, UInt32($0.count), 1) }
        try document.check(status, "writing text")
        state.lineStart = (x, y)
    }

    /// The text as a C string for libharu: CP1251 when every character has a CP1251 byte,
    /// else UTF-8 (`cp1251` says which font to use).
    static func encode(_ string: String) -> (bytes: [CChar], cp1251: Bool) {
        if let bytes = CP1251.encode(string) {
            return (bytes.map { CChar(bitPattern: $0) } + [0], true)
        }
        return (string.utf8.map { CChar(bitPattern: $0) } + [0], false)
    }

    /// A coordinate on the quarter-point grid (an exact binary fraction).
    static func snap(_ value: Float) -> Float {
        (value * 4).rounded() / 4
    }

    /// Ends the open text object, before lines and images and at the end of the page.
    func endText() throws(PDFError) {
        let state = document.textState
        guard state.open else { return }
        try document.check(HPDF_Page_EndText(raw), "ending text")
        state.open = false
    }

    /// Draws text right-aligned so that it ends at `right` (encoded and measured once).
    func textRight(_ string: String, right: Float, y: Float, size: Float, bold: Bool = false) throws(PDFError) {
        let (bytes, cp1251) = HaruPage.encode(string)
        let font = try document.font(bold: bold, cp1251: cp1251)
        let width = HaruPage.width(of: bytes, in: font) * size / 1_000
        try write(bytes, cp1251: cp1251, font: font, measured: true, x: right - width, y: y, size: size)
    }

    /// The width of `string` in points, measured on the font it will be written in (nothing
    /// is written to the page).
    func width(of string: String, size: Float, bold: Bool = false) -> Float {
        let (bytes, cp1251) = HaruPage.encode(string)
        guard let font = try? document.font(bold: bold, cp1251: cp1251) else { return 0 }
        return HaruPage.width(of: bytes, in: font) * size / 1_000
    }

    /// The width of encoded text in thousandths of the font size. Measuring marks the text's
    /// glyphs for the embedded subset, as libharu's own text output does.
    static func width(of bytes: [CChar], in font: HPDF_Font) -> Float {
        let measured = bytes.withUnsafeBufferPointer {
            $0.withMemoryRebound(to: UInt8.self) { HPDF_Font_TextWidth(font, $0.baseAddress, UInt32($0.count - 1)) }
        }
        return Float(measured.width)
    }

    /// Splits text into lines no wider than `width`, at spaces (a word longer than the line is
    /// split between characters), so nothing is cut.
    func wrap(_ string: String, width: Float, size: Float, bold: Bool = false) -> [String] {
        // Most text fits on one line: one measurement.
        if self.width(of: string, size: size, bold: bold) <= width, !string.isEmpty { return [string] }
        var lines: [String] = []
        var line = ""
        var lineWidth: Float = 0
        let space = self.width(of: " ", size: size, bold: bold)
        for word in string.split(separator: " ") {
            // Words are measured once each; a line's width is their sum with the spaces.
            let wordWidth = self.width(of: String(word), size: size, bold: bold)
            let candidateWidth = line.isEmpty ? wordWidth : lineWidth + space + wordWidth
            if candidateWidth <= width {
                line = line.isEmpty ? String(word) : line + " " + word
                lineWidth = candidateWidth
                continue
            }
            if !line.isEmpty { lines.append(line) }
            line = ""
            lineWidth = 0
            for character in word {
                if self.width(of: line + String(character), size: size, bold: bold) > width && !line.isEmpty {
                    lines.append(line)
                    line = ""
                }
                line.append(character)
            }
            lineWidth = self.width(of: line, size: size, bold: bold)
        }
        if !line.isEmpty { lines.append(line) }
        return lines.isEmpty ? [""] : lines
    }

    /// ``wrap(_:width:size:bold:)`` remembered by the document: for text that many of its
    /// documents share, measured once per file.
    func wrapOnce(_ string: String, width: Float, size: Float, bold: Bool = false) -> [String] {
        let key = "\(width) \(size) \(bold) \(string)"
        if let lines = document.wrapped[key] { return lines }
        let lines = wrap(string, width: width, size: size, bold: bold)
        document.wrapped[key] = lines
        return lines
    }

    func line(x1: Float, y1: Float, x2: Float, y2: Float, width: Float = 0.5) throws(PDFError) {
        try endText()
        try document.check(HPDF_Page_SetLineWidth(raw, width), "setting the line width")
        try document.check(HPDF_Page_MoveTo(raw, HaruPage.snap(x1), HaruPage.snap(y1)), "drawing a line")
        try document.check(HPDF_Page_LineTo(raw, HaruPage.snap(x2), HaruPage.snap(y2)), "drawing a line")
        try document.check(HPDF_Page_Stroke(raw), "drawing a line")
    }

    /// A dashed horizontal line, as a tear-off mark.
    func dashedLine(x1: Float, y: Float, x2: Float) throws(PDFError) {
        try endText()
        var pattern: [UInt16] = [3, 2]
        try document.check(HPDF_Page_SetDash(raw, &pattern, 2, 0), "setting a dash pattern")
        try line(x1: x1, y1: y, x2: x2, y2: y, width: 0.4)
        try document.check(HPDF_Page_SetDash(raw, nil, 0, 0), "clearing the dash pattern")
    }

    /// Draws a QR code as an inline image mask (dark modules painted, light ones left as they
    /// are): `bits` are rows of `modules` bits padded to whole bytes, 0 for dark; (x, y) is the
    /// symbol's lower-left corner and `size` its side, quiet zone not included.
    func qrCode(bits: [UInt8], modules: Int, x: Float, y: Float, size: Float) throws(PDFError) {
        try endText()
        let header =
            "q \(HaruPage.number(size)) 0 0 \(HaruPage.number(size)) \(HaruPage.number(x)) \(HaruPage.number(y)) cm\n"
            + "BI /W \(modules) /H \(modules) /BPC 1 /IM true ID "
        let operators = Array(header.utf8) + bits + Array("\nEI Q\n".utf8)
        let status = operators.withUnsafeBufferPointer { erc_page_write(raw, $0.baseAddress, UInt32($0.count), 0) }
        try document.check(status, "drawing a QR code")
    }

    /// A number for a content stream, to a hundredth.
    static func number(_ value: Float) -> String {
        let hundredths = Int((value * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let whole = abs(hundredths) / 100
        let fraction = abs(hundredths) % 100
        if fraction == 0 { return "\(sign)\(whole)" }
        return fraction % 10 == 0
            ? "\(sign)\(whole).\(fraction / 10)" : "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// Draws what `draw` draws, at coordinates relative to (x, y). The first time the document
    /// sees `key`, that is drawn into a form; every time, the form is placed at (x, y). A part
    /// of the page that many documents of a file share (the center's requisites, a table's head,
    /// a principal's requisites) is so written once per file.
    func stamp(_ key: String, x: Float, y: Float, draw: (HaruPage) throws -> Void) throws {
        try endText()
        let form: HPDF_Dict
        if let existing = document.forms[key] {
            form = existing
        } else {
            guard let made = erc_form_new(document.raw, document.resources, -600, -900, 1200, 900) else {
                throw document.failure("making a form")
            }
            // The form starts with no font set; the page keeps the one it had (a form runs
            // inside its own saved graphics state).
            let pageFont = document.textState.font
            let previous = erc_page_swap_stream(raw, erc_form_stream(made))
            document.textState.font = nil
            defer {
                _ = erc_page_swap_stream(raw, previous)
                document.textState.font = pageFont
            }
            try draw(self)
            try endText()
            document.forms[key] = made
            form = made
        }
        try document.check(HPDF_Page_GSave(raw), "placing a form")
        try document.check(HPDF_Page_Concat(raw, 1, 0, 0, 1, HaruPage.snap(x), HaruPage.snap(y)), "placing a form")
        try document.check(HPDF_Page_ExecuteXObject(raw, form), "placing a form")
        try document.check(HPDF_Page_GRestore(raw), "placing a form")
    }
}
