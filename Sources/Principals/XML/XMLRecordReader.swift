import CLibXML2

/// A flat record of an exchange file: a child of the root element with leaf fields.
struct XMLRecord: Sendable {
    var name: String
    var line: Int
    /// The leaf fields in file order: a handful each, so a linear search beats hashing.
    var fields = Fields()
    /// Set once `line` has been taken from the first value (start tags past line 65535).
    var lineFixed = false

    struct Fields: Sendable {
        var names: [String]
        var values: [String]
        /// The line each field starts on.
        var lines: [Int]

        /// Room for a record's fields up front: growing three arrays one by one costs more than
        /// the parsing of the record.
        init(capacity: Int = 8) {
            names = []
            values = []
            lines = []
            names.reserveCapacity(capacity)
            values.reserveCapacity(capacity)
            lines.reserveCapacity(capacity)
        }

        subscript(name: String) -> String? {
            guard let index = names.firstIndex(of: name) else { return nil }
            return values[index]
        }

        mutating func append(_ name: String, line: Int) {
            names.append(name)
            values.append("")
            lines.append(line)
        }

        var dictionary: [String: String] { Dictionary(zip(names, values), uniquingKeysWith: { _, last in last }) }
    }

    func line(of field: String) -> Int {
        guard let index = fields.names.firstIndex(of: field) else { return line }
        return fields.lines[index]
    }
}

/// Reads an exchange file as a stream of records with libxml2's streaming reader, validating
/// against an XSD as it goes, in constant memory.
///
/// Hardened: no network (`XML_PARSE_NONET`), no entity expansion, no DTD loading; a document
/// with a DOCTYPE is refused before anything in it is used, and nesting deeper than the
/// exchange formats need is refused.
package final class XMLRecordReader {
    /// A failure forced on a path that must clean up after itself, for its test.
    package enum Fault: Sendable {
        case none
        /// The validation context cannot be attached to the reader.
        case attachingSchema
    }

    private let reader: xmlTextReaderPtr
    private var validation: xmlSchemaValidCtxtPtr?
    private let collector: ProblemCollector
    /// Kept alive for as long as the validation context uses it.
    private let schema: XMLSchema?
    let file: String
    static let maximumDepth = 8

    /// Opens `path`; `displayName` is how problems name the file. Once the reader is opened,
    /// every handle is a stored property, so a failure after that frees them in `deinit` (and
    /// only there).
    package init(path: String, displayName: String, schema: XMLSchema?, fault: Fault = .none) throws(ImportError) {
        xmlInitParser()
        // The last error is per thread: none from an earlier file read on this one.
        xmlResetLastError()
        file = displayName
        self.schema = schema
        collector = ProblemCollector(file: displayName)
        // BIG_LINES: line numbers past 65535 stay exact (node lines are 16-bit otherwise).
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_BIG_LINES.rawValue)
        guard let reader = xmlReaderForFile(path, nil, options) else {
            throw ImportError(
                code: .unreadable, file: displayName,
                problems: [ImportProblem(file: displayName, line: 0, element: "file", reason: "cannot be opened")])
        }
        self.reader = reader
        let context = Unmanaged.passUnretained(collector).toOpaque()
        xmlTextReaderSetStructuredErrorHandler(reader, collectStructuredError, context)
        if let schema {
            guard let validation = xmlSchemaNewValidCtxt(schema.raw) else {
                throw ImportError(
                    code: .unreadable, file: displayName,
                    problems: [
                        ImportProblem(
                            file: displayName, line: 0, element: "file", reason: "cannot be validated: out of memory")
                    ])
            }
            self.validation = validation
            xmlSchemaSetValidStructuredErrors(validation, collectStructuredError, context)
            let attached = fault == .attachingSchema ? -1 : xmlTextReaderSchemaValidateCtxt(reader, validation, 0)
            guard attached == 0 else {
                throw ImportError(
                    code: .unreadable, file: displayName,
                    problems: [
                        ImportProblem(
                            file: displayName, line: 0, element: "file",
                            reason: "cannot be validated: libxml2 did not take the schema")
                    ])
            }
        }
    }

    deinit {
        xmlFreeTextReader(reader)
        if let validation { xmlSchemaFreeValidCtxt(validation) }
    }

    /// Problems found so far: malformed XML, schema violations, refused constructs.
    var problems: [ImportProblem] { collector.problems }

    private func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    /// The line of the node the reader is on (the parser itself may have read further ahead).
    private func currentLine() -> Int {
        if let node = xmlTextReaderCurrentNode(reader) {
            let line = xmlGetLineNo(node)
            if line > 0 { return Int(line) }
        }
        return Int(xmlTextReaderGetParserLineNumber(reader))
    }

    /// The root element's local name and namespace, reading no further (and refusing a DOCTYPE).
    func root() -> (name: String, namespace: String)? {
        while xmlTextReaderRead(reader) == 1 {
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue):
                refuseDoctype()
                return nil
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                return (string(xmlTextReaderConstLocalName(reader)), string(xmlTextReaderConstNamespaceUri(reader)))
            default:
                continue
            }
        }
        return nil
    }

    private func refuseDoctype() {
        collector.add(
            line: Int(xmlTextReaderGetParserLineNumber(reader)), element: "DOCTYPE",
            reason: "document type declarations are not allowed in exchange files (nothing in it was used)")
    }

    /// Reads the whole document, handing each record (a child of the root) to `body` when its
    /// end tag is read. Stops at the first fatal XML error; schema errors are collected and
    /// reading goes on so that every problem is listed.
    /// Swift strings of element names, by libxml2's interned name pointer (stable for the
    /// reader's life), so names are not copied out of C for every element. A file has a few
    /// dozen names at most: a linear search beats hashing.
    private var names: [(pointer: UnsafeRawPointer, name: String)] = []

    private func localName() -> String {
        guard let pointer = xmlTextReaderConstLocalName(reader) else { return "" }
        let key = UnsafeRawPointer(pointer)
        for entry in names where entry.pointer == key { return entry.name }
        let name = String(cString: pointer)
        names.append((key, name))
        return name
    }

    /// Stops early when `stop` turns true (checked between records).
    func forEachRecord(stop: () -> Bool = { false }, _ body: (XMLRecord) -> Void) {
        var record: XMLRecord?
        var inField = false
        let element = Int32(XML_READER_TYPE_ELEMENT.rawValue)
        let endElement = Int32(XML_READER_TYPE_END_ELEMENT.rawValue)
        let textNode = Int32(XML_READER_TYPE_TEXT.rawValue)
        let cdata = Int32(XML_READER_TYPE_CDATA.rawValue)
        while true {
            let rc = xmlTextReaderRead(reader)
            if rc != 1 {
                if rc < 0 && collector.problems.isEmpty {
                    // A fatal error past the parser's first chunk reaches libxml2's last error
                    // (this thread's) but not always the reader's handler: its line and reason.
                    if let last = xmlGetLastError(), last.pointee.code != 0 {
                        collectStructuredError(Unmanaged.passUnretained(collector).toOpaque(), last)
                    } else {
                        collector.add(
                            line: collector.currentLine, element: "document", reason: "the XML cannot be read")
                    }
                }
                break
            }
            let type = xmlTextReaderNodeType(reader)
            let depth = Int(xmlTextReaderDepth(reader))
            switch type {
            case element:
                let line = currentLine()
                collector.currentLine = line
                if depth > XMLRecordReader.maximumDepth {
                    collector.add(line: line, element: localName(), reason: "nested too deep")
                    return
                }
                let empty = xmlTextReaderIsEmptyElement(reader) == 1
                if depth == 1 {
                    record = XMLRecord(name: localName(), line: line)
                    if empty, let done = record {
                        body(done)
                        record = nil
                    }
                } else if depth == 2 {
                    record?.fields.append(localName(), line: line)
                    inField = !empty
                }
            case textNode, cdata:
                guard inField, var open = record.take() else { continue }
                let index = open.fields.values.count - 1
                open.fields.values[index] += string(xmlTextReaderConstValue(reader))
                // Element lines stop at 65535 in libxml2; text nodes keep the real one
                // (XML_PARSE_BIG_LINES), so past that the value's line stands in.
                if open.fields.lines[index] >= 65_535 {
                    let line = currentLine()
                    collector.currentLine = line
                    open.fields.lines[index] = line
                    if open.line >= 65_535 && !open.lineFixed {
                        open.line = line
                        open.lineFixed = true
                    }
                }
                record = open
            case endElement:
                if depth == 2 {
                    inField = false
                } else if depth == 1, let done = record {
                    body(done)
                    record = nil
                    if stop() { return }
                }
            case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue):
                refuseDoctype()
                return
            case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
                collector.add(line: currentLine(), element: "entity", reason: "entity references are not allowed")
                return
            default:
                continue
            }
        }
        if validation != nil && xmlTextReaderIsValid(reader) == 0 && collector.problems.isEmpty {
            collector.add(line: collector.currentLine, element: "document", reason: "does not match the schema")
        }
    }
}

@available(*, unavailable)
extension XMLRecordReader: Sendable {}
