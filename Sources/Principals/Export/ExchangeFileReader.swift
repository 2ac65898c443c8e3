/// One record of an exchange file, as read back: its element name and leaf fields.
public struct ExchangeRecord: Sendable, Hashable {
    public var name: String
    public var fields: [String: String]
}

/// Reads any exchange file (inbound or outbound) without storing it: validated against its
/// XSD, DOCTYPE refused, every problem listed. For checking files erc wrote, and for tests.
public enum ExchangeFileReader {
    public static func read(_ path: String) throws(ImportError) -> (kind: ExchangeKind, records: [ExchangeRecord]) {
        let name = baseName(path)
        let kind = try ExchangeImporter.sniffKind(path: path, name: name)
        let reader = try XMLRecordReader(path: path, displayName: name, schema: try kind.compiledSchema())
        var records: [ExchangeRecord] = []
        reader.forEachRecord { records.append(ExchangeRecord(name: $0.name, fields: $0.fields.dictionary)) }
        guard reader.problems.isEmpty else {
            throw ImportError(code: .invalid, file: name, problems: reader.problems)
        }
        return (kind, records)
    }

    /// Validates a file against its kind's XSD; throws with every problem.
    public static func validate(_ path: String) throws(ImportError) {
        _ = try read(path)
    }
}
