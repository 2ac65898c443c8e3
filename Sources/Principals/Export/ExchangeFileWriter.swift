import Core

/// Writes one exchange file of a kind, a record at a time (constant memory for files of
/// millions of rows): the header on creation, records with the kind's `add` methods, and the
/// footer with row counts and control sums on ``finish()``.
public class ExchangeFileWriter {
    let writer: ExchangeWriter
    public let kind: ExchangeKind
    public let path: String
    public private(set) var rows = 0

    init(kind: ExchangeKind, path: String, header: ExchangeHeader) throws(ExchangeWriteError) {
        self.kind = kind
        self.path = path
        writer = try ExchangeWriter(path: path, root: kind.rootElement)
        try writer.record(
            "header",
            [
                "principalInn": header.principalINN, "period": header.period.description, "fileId": header.fileId,
                "createdAt": header.createdAt,
            ])
    }

    func record(_ name: String, _ fields: KeyValuePairs<String, String?>) throws(ExchangeWriteError) {
        rows += 1
        try writer.recordSkippingNil(name, fields)
    }

    func finish(footer fields: KeyValuePairs<String, String>) throws(ExchangeWriteError) {
        try writer.record("footer", fields)
        try writer.close()
    }
}

/// Decimal text of a quantity kept in millionths: `61200` -> `0.0612`.
func decimal6(_ micro: Int64) -> String {
    var text = String(micro / 1_000_000) + "." + String(String(1_000_000 + micro % 1_000_000).dropFirst())
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
}

/// Decimal text of a quantity kept in thousandths: `11420` -> `11.42`, `308000` -> `308`.
func decimal3(_ milli: Int64) -> String {
    String(formatMilli(milli).map { $0 == "," ? "." : $0 })
}

/// Decimal text of an area kept in hundredths of m²: `5430` -> `54.30`.
func decimal2(_ centi: Int64) -> String { Money(kopecks: centi).decimalString }

extension ExchangeWriter {
    func recordSkippingNil(_ name: String, _ fields: KeyValuePairs<String, String?>) throws(ExchangeWriteError) {
        try start(name)
        for (key, value) in fields {
            if let value { try element(key, value) }
        }
        try end()
    }
}
