import CLibXML2

/// A compiled XSD, owning the `xmlSchemaPtr`; freed in `deinit`.
///
/// Compiled from the bytes built into erc (Schemas/), never from the network.
package final class XMLSchema {
    let raw: xmlSchemaPtr
    let name: String

    /// Compiles the XSD at `path`; its `xs:include`s are read from the same folder.
    init(path: String) throws(ImportError) {
        xmlInitParser()
        let name = baseName(path)
        let collector = ProblemCollector(file: name)
        guard let parser = xmlSchemaNewParserCtxt(path) else {
            throw ImportError(code: .unreadable, file: name, problems: [])
        }
        defer { xmlSchemaFreeParserCtxt(parser) }
        xmlSchemaSetParserStructuredErrors(
            parser, collectStructuredError, Unmanaged.passUnretained(collector).toOpaque())
        guard let schema = xmlSchemaParse(parser) else {
            throw ImportError(code: .unreadable, file: name, problems: collector.problems)
        }
        raw = schema
        self.name = name
    }

    deinit {
        xmlSchemaFree(raw)
    }
}

@available(*, unavailable)
extension XMLSchema: Sendable {}

/// Collects libxml2's structured errors as import problems. Kept alive by its owner for as
/// long as libxml2 holds the pointer.
final class ProblemCollector {
    let file: String
    var problems: [ImportProblem] = []
    /// Set by the reader: the line of the node being read, for errors that carry none.
    var currentLine = 0

    init(file: String) {
        self.file = file
    }

    func add(line: Int, element: String, reason: String) {
        problems.append(ImportProblem(file: file, line: line, element: element, reason: reason))
    }
}

/// libxml2's structured error callback: turns `xmlError` into a problem with the line and the
/// element named in the message (`Element '{ns}amount': ...`).
let collectStructuredError: xmlStructuredErrorFunc = { context, error in
    guard let context, let error else { return }
    let collector = Unmanaged<ProblemCollector>.fromOpaque(context).takeUnretainedValue()
    var message = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
    while message.last?.isWhitespace == true { message.removeLast() }
    var element = "document"
    if message.hasPrefix("Element '"), let close = message.dropFirst(9).firstIndex(of: "'") {
        var name = String(message[message.index(message.startIndex, offsetBy: 9)..<close])
        if let brace = name.lastIndex(of: "}") { name = String(name[name.index(after: brace)...]) }
        element = name
        message = String(message[message.index(after: close)...])
        if message.hasPrefix(": ") { message.removeFirst(2) }
    }
    message = message.split(separator: "{\(ExchangeKind.namespace)}", omittingEmptySubsequences: false)
        .joined()
    let line = error.pointee.line > 0 ? Int(error.pointee.line) : collector.currentLine
    collector.add(line: line, element: element, reason: message)
}
