import CHaru

/// A page of a ``HaruDocument``, valid while the document lives. Coordinates are PDF points
/// from the bottom-left corner; `text` draws from the top-left of the line box.
struct HaruPage {
    let raw: HPDF_Page
    unowned let document: HaruDocument

    static let width: Float = 595.276
    static let height: Float = 841.89

    /// Writes text. Consecutive texts share one text object and set the font only when it
    /// changes; drawing anything else ends the text object first.
    func text(
        _ string: String, x: Float, y: Float, size: Float, bold: Bool = false
    ) throws(PDFError) {
        let state = document.textState
        if !state.open {
            try document.check(HPDF_Page_BeginText(raw), "beginning text")
            state.open = true
            state.font = nil
        }
        if state.font?.bold != bold || state.font?.size != size {
            try document.check(
                HPDF_Page_SetFontAndSize(raw, bold ? document.bold : document.regular, size), "setting the font")
            state.font = (bold, size)
        }
        try document.check(HPDF_Page_TextOut(raw, x, y, string), "writing text")
    }

    /// Ends the open text object, before lines and images and at the end of the page.
    func endText() throws(PDFError) {
        let state = document.textState
        guard state.open else { return }
        try document.check(HPDF_Page_EndText(raw), "ending text")
        state.open = false
    }

    /// Draws text right-aligned so that it ends at `right`.
    func textRight(_ string: String, right: Float, y: Float, size: Float, bold: Bool = false) throws(PDFError) {
        let width = self.width(of: string, size: size, bold: bold)
        try text(string, x: right - width, y: y, size: size, bold: bold)
    }

    /// The width of `string` in points, measured on the font (nothing is written to the page).
    func width(of string: String, size: Float, bold: Bool = false) -> Float {
        let font = bold ? document.bold : document.regular
        var utf8 = Array(string.utf8)
        let measured = utf8.withUnsafeMutableBufferPointer {
            HPDF_Font_TextWidth(font, $0.baseAddress, UInt32($0.count))
        }
        return Float(measured.width) * size / 1_000
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

    func line(x1: Float, y1: Float, x2: Float, y2: Float, width: Float = 0.5) throws(PDFError) {
        try endText()
        try document.check(HPDF_Page_SetLineWidth(raw, width), "setting the line width")
        try document.check(HPDF_Page_MoveTo(raw, x1, y1), "drawing a line")
        try document.check(HPDF_Page_LineTo(raw, x2, y2), "drawing a line")
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

    func rectangle(x: Float, y: Float, width: Float, height: Float) throws(PDFError) {
        try endText()
        try document.check(HPDF_Page_SetLineWidth(raw, 0.5), "setting the line width")
        try document.check(HPDF_Page_Rectangle(raw, x, y, width, height), "drawing a frame")
        try document.check(HPDF_Page_Stroke(raw), "drawing a frame")
    }

    func draw(image: HPDF_Image, x: Float, y: Float, size: Float) throws(PDFError) {
        try endText()
        try document.check(HPDF_Page_DrawImage(raw, image, x, y, size, size), "drawing an image")
    }
}
