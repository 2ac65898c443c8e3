import Storage

/// A file's rows staged in a temporary table in bulk (10,000 at a time), so that the whole file
/// is checked against the registry in set queries before anything is stored. Created on the
/// first row; storage failures are kept by the session.
final class StagingTable {
    let name: String
    /// Column names with their SQL types.
    let columns: [(name: String, type: String)]
    private(set) var created = false
    private var pending: [[SQLValue]] = []

    init(name: String, columns: [(name: String, type: String)]) {
        self.name = name
        self.columns = columns
    }

    func append(_ row: [SQLValue], session: ImportSession) throws {
        if !created {
            try session.connection.execute("DROP TABLE IF EXISTS \(name)")
            let definition = columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
            try session.connection.execute("CREATE TEMPORARY TABLE \(name) (\(definition))")
            created = true
        }
        pending.append(row)
        if pending.count >= 10_000 { try flush(session: session) }
    }

    /// Writes the rows held so far.
    func flush(session: ImportSession) throws {
        guard created, !pending.isEmpty else { return }
        try session.connection.bulkInsert(into: name, columns: columns.map(\.name), rows: pending)
        pending.removeAll(keepingCapacity: true)
    }

    func drop(session: ImportSession) throws {
        guard created else { return }
        try session.connection.execute("DROP TABLE \(name)")
    }
}
