public import Storage

/// One driver-independent storage check. It throws ``ConformanceFailure`` naming what differs.
public struct ConformanceCheck: Sendable, CustomStringConvertible {
    public let name: String
    let body: @Sendable (any Connection) throws -> Void

    public func run(on connection: any Connection) throws {
        try body(connection)
        guard connection.transactionDepth == 0 else {
            throw ConformanceFailure(check: name, message: "a transaction was left open")
        }
    }

    public var description: String { name }
}

public struct ConformanceFailure: Error, CustomStringConvertible {
    public var check: String
    public var message: String
    public var description: String { "\(check): \(message)" }
}

/// The storage conformance suite: the same checks run on SQLite and PostgreSQL, each on a fresh
/// migrated database.
public enum StorageConformance {
    public static let checks: [ConformanceCheck] = [
        ConformanceCheck(name: "migrations apply once and report their status", body: migrations),
        ConformanceCheck(name: "values round-trip through binds and rows", body: roundTrip),
        ConformanceCheck(name: "queries stream every row", body: streaming),
        ConformanceCheck(name: "a unique key refuses a second insert", body: uniqueKeys),
        ConformanceCheck(
            name: "a posting's file and line are unique; postings without a source are not", body: postingSources),
        ConformanceCheck(name: "a failed transaction stores nothing", body: rollback),
        ConformanceCheck(name: "bulk insert loads every row intact", body: bulkInsert),
        ConformanceCheck(name: "errors say where and hide bound values", body: errors),
    ]

    public static func check(named name: String) -> ConformanceCheck {
        checks.first { $0.name == name }!
    }

    static func expect(_ condition: Bool, _ check: String, _ message: @autoclosure () -> String) throws {
        if !condition { throw ConformanceFailure(check: check, message: message()) }
    }

    static func migrations(_ db: any Connection) throws {
        let name = "migrations"
        let again = try Migrator(db).migrate()
        try expect(again.isEmpty, name, "a second migrate applied \(again)")
        let status = try Migrator(db).status()
        try expect(status.count == Schema.migrations.count, name, "status lists \(status.count) migrations")
        try expect(status.allSatisfy { $0.appliedAt != nil }, name, "some migrations are pending after migrate")
        let versions = try db.all("SELECT version FROM erc_migrations ORDER BY version").map { try $0.int(0) }
        try expect(versions == Schema.migrations.map(\.version), name, "recorded versions \(versions)")
    }

    static func roundTrip(_ db: any Connection) throws {
        let name = "round trip"
        try db.execute("CREATE TABLE t_values (id BIGINT PRIMARY KEY, amount BIGINT, label TEXT)")
        let text = "Тариф «ХВС» 42,89 руб.\tтаб | \\ 'кавычки' ?"
        try db.execute("INSERT INTO t_values (id, amount, label) VALUES (?, ?, ?)", [1, Int64.max, text])
        try db.execute(
            "INSERT INTO t_values (id, amount, label) VALUES (?, ?, ?)", [2, -123_456_789_012, SQLValue.null])
        let rows = try db.all("SELECT id, amount, label FROM t_values WHERE id >= ? ORDER BY id", [1])
        try expect(rows.count == 2, name, "got \(rows.count) rows")
        try expect(try rows[0].int64(1) == Int64.max, name, "Int64.max came back as \(rows[0].values[1])")
        try expect(try rows[0].string(2) == text, name, "text came back changed")
        try expect(try rows[1].int64(1) == -123_456_789_012, name, "a negative amount came back changed")
        try expect(rows[1].isNull(2), name, "NULL came back as \(rows[1].values[2])")
        let literal = try db.scalar("SELECT COUNT(*) FROM t_values WHERE label = 'a?b' OR id = ?", [2])
        try expect(literal == 1, name, "a ? inside a quoted literal was taken as a placeholder")
    }

    static func streaming(_ db: any Connection) throws {
        let name = "streaming"
        try db.execute("CREATE TABLE t_stream (n BIGINT NOT NULL)")
        try db.bulkInsert(
            into: "t_stream", columns: ["n"], rows: (1...25_000).lazy.map { [SQLValue.integer(Int64($0))] })
        var count = 0
        var sum: Int64 = 0
        try db.query("SELECT n FROM t_stream ORDER BY n") { row in
            count += 1
            sum += try row.int64(0)
        }
        try expect(count == 25_000, name, "streamed \(count) rows")
        try expect(sum == 25_000 * 25_001 / 2, name, "sum \(sum)")
        // The connection is usable again after a body throws midway.
        struct Stop: Error {}
        do {
            try db.query("SELECT n FROM t_stream ORDER BY n") { _ in throw Stop() }
            try expect(false, name, "the body's error was swallowed")
        } catch is Stop {}
        try expect(try db.scalar("SELECT COUNT(*) FROM t_stream") == 25_000, name, "connection unusable after a stop")
    }

    static func uniqueKeys(_ db: any Connection) throws {
        let name = "unique keys"
        try db.execute("CREATE TABLE t_keys (idempotency_key TEXT PRIMARY KEY, amount BIGINT NOT NULL)")
        try db.execute("INSERT INTO t_keys VALUES (?, ?)", ["terminal-7/op-1", 10_000])
        do {
            try db.execute("INSERT INTO t_keys VALUES (?, ?)", ["terminal-7/op-1", 10_000])
            try expect(false, name, "a duplicate key was stored")
        } catch let error as StorageError {
            try expect(error.code == .uniqueViolation, name, "code \(error.code), expected unique violation")
        }
        try db.execute("INSERT INTO t_keys VALUES (?, ?) ON CONFLICT DO NOTHING", ["terminal-7/op-1", 99])
        try expect(try db.scalar("SELECT SUM(amount) FROM t_keys") == 10_000, name, "a retry changed the stored sum")
    }

    static func postingSources(_ db: any Connection) throws {
        let name = "posting sources"
        let insert = """
            INSERT INTO postings (account_number, principal_id, service_code, period, kind, amount, counts_from,
                                  source_file, source_line)
            VALUES ('7400000001', 1, 'water', '2026-10', 'charge', 100, '2026-10-01', ?, ?)
            """
        try db.execute(insert, [7, 12] as [any SQLBindable])
        do {
            try db.execute(insert, [7, 12] as [any SQLBindable])
            try expect(false, name, "a second posting from file 7, line 12 was stored")
        } catch let error as StorageError {
            try expect(error.code == .uniqueViolation, name, "code \(error.code), expected unique violation")
        }
        try db.execute(insert, [7, 13] as [any SQLBindable])
        try db.execute(insert, [SQLValue.null, SQLValue.null] as [any SQLBindable])
        try db.execute(insert, [SQLValue.null, SQLValue.null] as [any SQLBindable])
        try expect(try db.scalar("SELECT COUNT(*) FROM postings") == 4, name, "postings stored: expected 4")
        try db.execute("DELETE FROM postings")
    }

    static func rollback(_ db: any Connection) throws {
        let name = "rollback"
        try db.execute("CREATE TABLE t_tx (n BIGINT NOT NULL)")
        struct Refused: Error {}
        do {
            try db.withTransaction {
                try db.execute("INSERT INTO t_tx VALUES (?)", [1])
                try db.bulkInsert(into: "t_tx", columns: ["n"], rows: [[.integer(2)], [.integer(3)]])
                throw Refused()
            }
        } catch is Refused {}
        try expect(try db.scalar("SELECT COUNT(*) FROM t_tx") == 0, name, "rows survived a rolled-back transaction")
        try db.withTransaction {
            try db.execute("INSERT INTO t_tx VALUES (?)", [1])
            do {
                try db.withTransaction {
                    try db.execute("INSERT INTO t_tx VALUES (?)", [2])
                    throw Refused()
                }
            } catch is Refused {}
        }
        let kept = try db.all("SELECT n FROM t_tx").map { try $0.int(0) }
        try expect(kept == [1], name, "after a nested rollback the table holds \(kept)")
    }

    static func bulkInsert(_ db: any Connection) throws {
        let name = "bulk insert"
        try db.execute("CREATE TABLE t_bulk (n BIGINT NOT NULL, label TEXT)")
        let labels = ["обычный", "tab\there", "new\nline", "back\\slash", "\\N", "", "cr\rret"]
        let written = try db.bulkInsert(
            into: "t_bulk", columns: ["n", "label"],
            rows: (0..<70_000).lazy.map {
                [SQLValue.integer(Int64($0)), $0 == 5 ? .null : .text(labels[$0 % labels.count])]
            })
        try expect(written == 70_000, name, "bulkInsert reported \(written)")
        try expect(try db.scalar("SELECT COUNT(*) FROM t_bulk") == 70_000, name, "row count differs")
        for (index, label) in labels.enumerated() where index != 5 {
            let stored = try db.first("SELECT label FROM t_bulk WHERE n = ?", [index])?.string(1 - 1)
            try expect(stored == label, name, "label \(index) came back as \(String(describing: stored))")
        }
        try expect(try db.first("SELECT label FROM t_bulk WHERE n = 5")?.isNull(0) == true, name, "NULL was not kept")
    }

    static func errors(_ db: any Connection) throws {
        let name = "errors"
        do {
            try db.execute("INSERT INTO no_such_table VALUES (?)", ["secret-4242"])
            try expect(false, name, "a bad statement did not throw")
        } catch let error as StorageError {
            try expect(error.file.hasSuffix("StorageConformance.swift"), name, "file is \(error.file)")
            try expect(error.line > 0, name, "no line")
            try expect(!error.description.contains("secret-4242"), name, "description shows a bound value")
            try expect(error.debugDescription.contains("no_such_table"), name, "debugDescription lacks the SQL")
        }
    }
}
