import CSQLite

/// A connection to an SQLite database file: the embedded default.
///
/// Opened in WAL mode with foreign keys on. Owns the `sqlite3` handle and closes it in `deinit`;
/// prepared statements are cached per SQL text and finalized first.
public final class SQLiteConnection: TransactionDriver {
    private let handle: OpaquePointer
    private var statements: [String: SQLiteStatement] = [:]
    public private(set) var transactionDepth = 0
    public let path: String
    public var dialect: SQLDialect { .sqlite }
    public var location: DatabaseLocation { .sqlite(path: path) }

    /// Opens the database file at `path`; `create` makes it when it does not exist.
    package init(path: String, create: Bool = true, file: String = #fileID, line: Int = #line) throws(StorageError) {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw StorageError(
                code: .connection, message: "cannot open \(path): \(message)", driverCode: String(rc),
                file: file, line: line)
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 10_000)
        try runScript(
            "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;",
            at: SourceLocation(file: file, line: line))
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Copies the whole database into the file at `path` with SQLite's online backup API, in one
    /// step under one read lock: a consistent copy while others write (WAL), whatever they write
    /// after. The copy is written through a connection of its own and left in rollback-journal
    /// mode (one self-contained file).
    public func backup(into path: String, file: String = #fileID, line: Int = #line) throws(StorageError) {
        try Self.copy(from: handle, to: path, location: SourceLocation(file: file, line: line))
    }

    /// Copies the database file at `source` into a new database file at `target` (a restore).
    public static func restore(
        from source: String, into target: String, file: String = #fileID, line: Int = #line
    ) throws(StorageError) {
        let from = try SQLiteConnection(path: source, create: false, file: file, line: line)
        try copy(from: from.handle, to: target, location: SourceLocation(file: file, line: line))
    }

    private static func copy(
        from source: OpaquePointer, to path: String, location: SourceLocation
    ) throws(StorageError) {
        var target: OpaquePointer?
        let opened = sqlite3_open_v2(path, &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil)
        defer { sqlite3_close_v2(target) }
        guard opened == SQLITE_OK, let target else {
            throw StorageError(
                code: .connection, message: "cannot create \(path)", driverCode: String(opened), file: location.file,
                line: location.line)
        }
        guard let backup = sqlite3_backup_init(target, "main", source, "main") else {
            throw StorageError(
                code: .other, message: "cannot back up into \(path): \(String(cString: sqlite3_errmsg(target)))",
                driverCode: String(sqlite3_errcode(target)), file: location.file, line: location.line)
        }
        let stepped = sqlite3_backup_step(backup, -1)
        let finished = sqlite3_backup_finish(backup)
        guard stepped == SQLITE_DONE, finished == SQLITE_OK else {
            throw StorageError(
                code: stepped == SQLITE_BUSY || stepped == SQLITE_LOCKED ? .busy : .other,
                message: "backup into \(path) failed: \(String(cString: sqlite3_errmsg(target)))",
                driverCode: "SQLITE \(stepped)", file: location.file, line: location.line)
        }
        // One file, without a write-ahead log beside it.
        sqlite3_exec(target, "PRAGMA journal_mode=DELETE", nil, nil, nil)
    }

    func error(_ rc: Int32, sql: String?, at location: SourceLocation) -> StorageError {
        let message = String(cString: sqlite3_errmsg(handle))
        let primary = rc & 0xFF
        let code: StorageError.Code
        switch rc {
        case ERC_SQLITE_CONSTRAINT_UNIQUE, ERC_SQLITE_CONSTRAINT_PRIMARYKEY: code = .uniqueViolation
        case ERC_SQLITE_CONSTRAINT_FOREIGNKEY: code = .foreignKeyViolation
        default:
            switch primary {
            case SQLITE_CONSTRAINT: code = .constraint
            case SQLITE_BUSY, SQLITE_LOCKED: code = .busy
            case SQLITE_ERROR: code = message.contains("syntax") ? .syntax : .other
            default: code = .other
            }
        }
        return StorageError(code: code, message: message, driverCode: "SQLITE \(rc)", sql: sql, at: location)
    }

    private func prepared(_ sql: String, at location: SourceLocation) throws(StorageError) -> SQLiteStatement {
        if let statement = statements[sql] {
            return statement
        }
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard rc == SQLITE_OK, let raw else {
            throw error(rc, sql: sql, at: location)
        }
        let statement = SQLiteStatement(raw)
        statements[sql] = statement
        return statement
    }

    public func run(_ sql: String, _ binds: [SQLValue], at location: SourceLocation) throws(StorageError) {
        let statement = try prepared(sql, at: location)
        defer { statement.reset() }
        try bind(binds, to: statement, sql: sql, at: location)
        let rc = sqlite3_step(statement.raw)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else {
            throw error(rc, sql: sql, at: location)
        }
    }

    public func runScript(_ sql: String, at location: SourceLocation) throws(StorageError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else {
            throw error(rc, sql: sql, at: location)
        }
    }

    public func stream(
        _ sql: String, _ binds: [SQLValue], at location: SourceLocation, _ body: (SQLRow) throws -> Void
    ) throws {
        let statement = try prepared(sql, at: location)
        defer { statement.reset() }
        try bind(binds, to: statement, sql: sql, at: location)
        let columns = sqlite3_column_count(statement.raw)
        while true {
            let rc = sqlite3_step(statement.raw)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw error(rc, sql: sql, at: location) }
            var values: [SQLValue] = []
            values.reserveCapacity(Int(columns))
            for column in 0..<columns {
                switch sqlite3_column_type(statement.raw, column) {
                case SQLITE_NULL: values.append(.null)
                case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(statement.raw, column)))
                default:
                    let text = sqlite3_column_text(statement.raw, column).map { String(cString: $0) } ?? ""
                    values.append(.text(text))
                }
            }
            try body(SQLRow(values: values))
        }
    }

    public func load<Rows: Sequence<[SQLValue]>>(
        into table: String, columns: [String], rows: Rows, at location: SourceLocation
    ) throws -> Int {
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))"
        let statement = try prepared(sql, at: location)
        var count = 0
        for row in rows {
            try bind(row, to: statement, sql: sql, at: location)
            let rc = sqlite3_step(statement.raw)
            statement.reset()
            guard rc == SQLITE_DONE else { throw error(rc, sql: sql, at: location) }
            count += 1
        }
        return count
    }

    private func bind(
        _ binds: [SQLValue], to statement: SQLiteStatement, sql: String, at location: SourceLocation
    ) throws(StorageError) {
        let expected = Int(sqlite3_bind_parameter_count(statement.raw))
        guard expected == binds.count else {
            throw StorageError(
                code: .other, message: "the statement takes \(expected) values, \(binds.count) were given",
                sql: sql, at: location)
        }
        for (offset, value) in binds.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(statement.raw, index)
            case .integer(let number): rc = sqlite3_bind_int64(statement.raw, index, number)
            case .text(let text): rc = sqlite3_bind_text(statement.raw, index, text, -1, erc_sqlite_transient())
            }
            guard rc == SQLITE_OK else { throw error(rc, sql: sql, at: location) }
        }
    }

    package func begin(at location: SourceLocation) throws(StorageError) {
        try runScript(transactionDepth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT sp\(transactionDepth)", at: location)
        transactionDepth += 1
    }

    package func commit(at location: SourceLocation) throws(StorageError) {
        transactionDepth -= 1
        try runScript(transactionDepth == 0 ? "COMMIT" : "RELEASE sp\(transactionDepth)", at: location)
    }

    package func rollback(at location: SourceLocation) throws(StorageError) {
        transactionDepth -= 1
        if transactionDepth == 0 {
            try runScript("ROLLBACK", at: location)
        } else {
            try runScript("ROLLBACK TO sp\(transactionDepth); RELEASE sp\(transactionDepth)", at: location)
        }
    }
}

@available(*, unavailable)
extension SQLiteConnection: Sendable {}

/// Owns one prepared statement; finalized in `deinit`.
final class SQLiteStatement {
    let raw: OpaquePointer
    init(_ raw: OpaquePointer) { self.raw = raw }
    func reset() {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
    }
    deinit { sqlite3_finalize(raw) }
}
