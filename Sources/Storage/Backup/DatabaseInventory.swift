import Core

/// What a database holds, for checking a backup against what it was taken from and a restore
/// against its backup: the schema version, the rows of every table, and the journal's count and
/// sum of each kind of posting.
public struct DatabaseInventory: Sendable, Hashable, Codable {
    public struct Kind: Sendable, Hashable, Codable {
        public var postings: Int64
        public var kopecks: Int64
    }

    public var schemaVersion: Int
    public var tables: [String: Int64]
    public var journal: [String: Kind]

    /// Counts on `connection` (in its transaction, when it has one open: a snapshot's counts).
    public static func take(on connection: any Connection) throws -> DatabaseInventory {
        let names = try connection.all(
            connection.dialect == .sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                : "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        ).map { try $0.string(0) }
        var tables: [String: Int64] = [:]
        for name in names {
            tables[name] = try connection.scalar("SELECT COUNT(*) FROM \"\(name)\"")
        }
        var journal: [String: Kind] = [:]
        if tables["postings"] != nil {
            try connection.query("SELECT kind, COUNT(*), COALESCE(SUM(amount), 0) FROM postings GROUP BY kind") { row in
                journal[try row.string(0)] = Kind(postings: try row.int64(1), kopecks: try row.int64(2))
            }
        }
        let version =
            tables["erc_migrations"] == nil ? 0 : Int(try connection.scalar("SELECT MAX(version) FROM erc_migrations"))
        return DatabaseInventory(schemaVersion: version, tables: tables, journal: journal)
    }

    /// Every difference of `other` from this one, named ("table payments: 120 rows, expected 121").
    public func differences(from other: DatabaseInventory) -> [String] {
        var found: [String] = []
        if other.schemaVersion != schemaVersion {
            found.append("schema version \(other.schemaVersion), expected \(schemaVersion)")
        }
        for name in Set(tables.keys).union(other.tables.keys).sorted() where tables[name] != other.tables[name] {
            found.append(
                "table \(name): \(other.tables[name].map { "\($0) rows" } ?? "missing"), expected "
                    + (tables[name].map { "\($0) rows" } ?? "none"))
        }
        for kind in Set(journal.keys).union(other.journal.keys).sorted() where journal[kind] != other.journal[kind] {
            let have = other.journal[kind].map { "\($0.postings) postings, \(Money(kopecks: $0.kopecks).formatted())" }
            let want = journal[kind].map { "\($0.postings) postings, \(Money(kopecks: $0.kopecks).formatted())" }
            found.append("journal \(kind): \(have ?? "none"), expected \(want ?? "none")")
        }
        return found
    }

    /// Whether the database holds nothing at all (no table): the only kind a restore goes into.
    public var isEmpty: Bool { tables.isEmpty }
}
