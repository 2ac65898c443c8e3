import CHaru

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A libharu error: the library's error and detail numbers, and what erc was doing.
public struct PDFError: Error, Sendable, CustomStringConvertible {
    public var errorNumber: UInt
    public var detailNumber: UInt
    public var operation: String

    public var description: String {
        let code = "libharu error 0x\(String(errorNumber, radix: 16, uppercase: true)) (detail \(detailNumber))"
        let reason = String(cString: strerror(Int32(clamping: detailNumber)))
        switch (errorNumber, detailNumber) {
        case (0, 1...):
            // Not libharu's: moving the finished file into place; the detail is the system's error.
            return "\(operation): \(reason)"
        case (0x1017, _):
            // The file could not be opened: the detail is the system's error number.
            return "\(operation): \(reason) (\(code))"
        case (0x1016, _), (0x1066, 0x1016):
            return "\(operation): the file could not be written; is the disk full? (\(code))"
        default:
            return "\(code) - while \(operation)"
        }
    }
}

/// Where libharu's error handler records the last error; the document owns it and passes it
/// as the handler's user data.
final class HaruErrorBox {
    var error: (UInt, UInt)?
}

private let recordHaruError: HPDF_Error_Handler = { errorNumber, detailNumber, userData in
    guard let userData else { return }
    let box = Unmanaged<HaruErrorBox>.fromOpaque(userData).takeUnretainedValue()
    if box.error == nil { box.error = (UInt(errorNumber), UInt(detailNumber)) }
}

/// A PDF document being built with libharu: owns the `HPDF_Doc` and frees it in `deinit`.
/// Compression is on; text is in an embedded TrueType font, so it stays extractable: CP1251
/// (one byte a character) where the text allows, UTF-8 for text with other characters.
/// Every page shares one Resources dictionary, and parts drawn alike on many pages are drawn
/// once, as forms (``HaruPage/stamp(_:x:y:draw:)``).
final class HaruDocument {
    /// Whether the current page has a text object open, and its font.
    final class TextState {
        var open = false
        var font: (font: HPDF_Font, size: Float)?
        /// Where the current text line starts (the text object's Td position).
        var lineStart: (x: Float, y: Float) = (0, 0)
        var page: HPDF_Page?
    }

    /// A font in both encodings; the UTF-8 one is made when text first needs it.
    struct FontPair {
        let name: String
        let cp1251: HPDF_Font
        var utf8: HPDF_Font?
    }

    let raw: HPDF_Doc
    let textState = TextState()
    private let errors: HaruErrorBox
    private(set) var regular: FontPair
    private(set) var bold: FontPair
    /// The Resources dictionary of every page and form.
    let resources: HPDF_Dict
    /// Forms drawn so far, by the caller's key.
    var forms: [String: HPDF_Dict] = [:]
    /// Text wrapped so far, by width, size, weight and text (``HaruPage/wrapOnce(_:width:size:bold:)``).
    var wrapped: [String: [String]] = [:]

    init(regularFont: String, boldFont: String) throws(PDFError) {
        let errors = HaruErrorBox()
        guard let doc = HPDF_New(recordHaruError, Unmanaged.passUnretained(errors).toOpaque()) else {
            throw PDFError(errorNumber: 0, detailNumber: 0, operation: "creating a PDF document")
        }
        // Until every property is set `deinit` does not run: a failure frees the document here.
        func failure(_ operation: String) -> PDFError {
            let (errorNumber, detailNumber) = errors.error ?? (0, 0)
            HPDF_Free(doc)
            return PDFError(errorNumber: errorNumber, detailNumber: detailNumber, operation: operation)
        }
        guard HPDF_SetCompressionMode(doc, UInt32(HPDF_COMP_ALL)) == HPDF_OK, errors.error == nil else {
            throw failure("turning compression on")
        }
        guard HPDF_UseUTFEncodings(doc) == HPDF_OK, errors.error == nil else {
            throw failure("enabling UTF-8 encodings")
        }
        guard let regular = Self.loadFont(regularFont, in: doc) else {
            throw failure("loading the font \(regularFont)")
        }
        guard let bold = Self.loadFont(boldFont, in: doc) else { throw failure("loading the font \(boldFont)") }
        guard let resources = erc_resources_new(doc) else { throw failure("making the shared resources") }
        raw = doc
        self.errors = errors
        self.regular = regular
        self.bold = bold
        self.resources = resources
    }

    deinit {
        HPDF_Free(raw)
    }

    /// The font to write `bytes` of text with: CP1251 when `cp1251`, else UTF-8.
    func font(bold isBold: Bool, cp1251: Bool) throws(PDFError) -> HPDF_Font {
        let pair = isBold ? bold : regular
        if cp1251 { return pair.cp1251 }
        if let font = pair.utf8 { return font }
        guard let font = HPDF_GetFont(raw, pair.name, "UTF-8") else { throw failure("loading a UTF-8 font") }
        if isBold { bold.utf8 = font } else { regular.utf8 = font }
        return font
    }

    private static func loadFont(_ path: String, in doc: HPDF_Doc) -> FontPair? {
        guard let name = HPDF_LoadTTFontFromFile(doc, path, HPDF_TRUE), let font = HPDF_GetFont(doc, name, "CP1251")
        else { return nil }
        return FontPair(name: String(cString: name), cp1251: font)
    }

    func failure(_ operation: String) -> PDFError {
        let (errorNumber, detailNumber) = errors.error ?? (0, 0)
        errors.error = nil
        HPDF_ResetError(raw)
        return PDFError(errorNumber: errorNumber, detailNumber: detailNumber, operation: operation)
    }

    func check(_ status: HPDF_STATUS, _ operation: @autoclosure () -> String) throws(PDFError) {
        if status != HPDF_OK || errors.error != nil {
            throw failure(operation())
        }
    }

    func addPage() throws(PDFError) -> HaruPage {
        try endPage()
        guard let page = HPDF_AddPage(raw) else { throw failure("adding a page") }
        textState.page = page
        textState.font = nil
        try check(
            HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT), "setting the page size to A4")
        try check(erc_page_use_resources(raw, page, resources), "sharing the resources")
        return HaruPage(raw: page, document: self)
    }

    /// Closes the current page's open text object.
    func endPage() throws(PDFError) {
        guard let page = textState.page else { return }
        try HaruPage(raw: page, document: self).endText()
    }

    func save(to path: String) throws(PDFError) {
        try endPage()
        try check(HPDF_SaveToFile(raw, path), "saving \(path)")
    }

    /// The whole PDF in memory (libharu's own stream, read out once), for a document served
    /// over HTTP rather than written to a file.
    func bytes() throws(PDFError) -> [UInt8] {
        try endPage()
        try check(HPDF_SaveToStream(raw), "saving to memory")
        let size = Int(HPDF_GetStreamSize(raw))
        var out = [UInt8](repeating: 0, count: size)
        var read = HPDF_UINT32(size)
        try out.withUnsafeMutableBufferPointer { buffer throws(PDFError) in
            try check(HPDF_ReadFromStream(raw, buffer.baseAddress, &read), "reading the PDF from memory")
        }
        return Array(out.prefix(Int(read)))
    }
}

@available(*, unavailable)
extension HaruDocument: Sendable {}
