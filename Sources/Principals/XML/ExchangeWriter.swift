import CLibXML2

/// Writes an exchange file with libxml2's text writer: UTF-8, indented, every element in the
/// `urn:erc:exchange:1` namespace. Owns the `xmlTextWriterPtr`; ``close()`` finishes the file.
final class ExchangeWriter {
    private var writer: xmlTextWriterPtr?
    let path: String

    init(path: String, root: String) throws(ExchangeWriteError) {
        self.path = path
        xmlInitParser()
        guard let writer = xmlNewTextWriterFilename(path, 0) else {
            throw ExchangeWriteError(path: path, reason: "cannot create the file")
        }
        self.writer = writer
        xmlTextWriterSetIndent(writer, 1)
        xmlTextWriterSetIndentString(writer, "  ")
        try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil))
        try check(xmlTextWriterStartElement(writer, root))
        try check(xmlTextWriterWriteAttribute(writer, "xmlns", ExchangeKind.namespace))
    }

    deinit {
        if let writer { xmlFreeTextWriter(writer) }
    }

    private func check(_ rc: Int32) throws(ExchangeWriteError) {
        if rc < 0 { throw ExchangeWriteError(path: path, reason: "libxml2 could not write") }
    }

    func start(_ name: String) throws(ExchangeWriteError) {
        guard let writer else { return }
        try check(xmlTextWriterStartElement(writer, name))
    }

    func element(_ name: String, _ value: String) throws(ExchangeWriteError) {
        guard let writer else { return }
        try check(xmlTextWriterWriteElement(writer, name, value))
    }

    func end() throws(ExchangeWriteError) {
        guard let writer else { return }
        try check(xmlTextWriterEndElement(writer))
    }

    /// Writes `<name>` with leaf children in the given order.
    func record(_ name: String, _ fields: KeyValuePairs<String, String>) throws(ExchangeWriteError) {
        guard let writer else { return }
        try check(xmlTextWriterStartElement(writer, name))
        for (key, value) in fields {
            try check(xmlTextWriterWriteElement(writer, key, value))
        }
        try check(xmlTextWriterEndElement(writer))
    }

    func close() throws(ExchangeWriteError) {
        guard let writer else { return }
        try check(xmlTextWriterEndDocument(writer))
        xmlFreeTextWriter(writer)
        self.writer = nil
    }
}

/// An exchange file that could not be written.
public struct ExchangeWriteError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(reason) - while writing an exchange file (\(path))" }
}
