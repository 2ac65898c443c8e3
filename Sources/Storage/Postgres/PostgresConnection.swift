import CLibPQ

/// A connection to PostgreSQL through libpq, opened from a `postgres://` URL.
///
/// Queries stream their rows in libpq's single-row mode; bulk loads use `COPY ... FROM STDIN`.
/// Owns the `PGconn` and closes it in `deinit`; every `PGresult` is cleared on the line it is
/// read.
public final class PostgresConnection: TransactionDriver {
    private let handle: OpaquePointer
    public private(set) var transactionDepth = 0
    /// Statements prepared on this connection, by their text: parsed and planned once (the
    /// server re-plans them itself when a table they read changes). Emptied when full.
    private var prepared: [String: String] = [:]
    private static let preparedLimit = 512
    public var dialect: SQLDialect { .postgres }
    public let location: DatabaseLocation

    package init(url: String, file: String = #fileID, line: Int = #line) throws(StorageError) {
        guard let conn = PQconnectdb(url) else {
            throw StorageError(
                code: .connection, message: "libpq could not allocate a connection", file: file, line: line)
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(conn)).trimmingSpaces()
            PQfinish(conn)
            throw StorageError(code: .connection, message: message, file: file, line: line)
        }
        handle = conn
        location = .postgres(url: url)
        try runScript("SET client_min_messages TO warning", at: SourceLocation(file: file, line: line))
    }

    deinit {
        PQfinish(handle)
    }

    /// Turns a failed result into an error with the server's SQLSTATE, message and constraint.
    private func error(from result: OpaquePointer?, sql: String?, at location: SourceLocation) -> StorageError {
        guard let result else {
            return StorageError(
                code: .connection, message: String(cString: PQerrorMessage(handle)).trimmingSpaces(), sql: sql,
                at: location)
        }
        func field(_ code: Unicode.Scalar) -> String? {
            PQresultErrorField(result, Int32(code.value)).map { String(cString: $0) }
        }
        let state = field("C")
        let message = field("M") ?? String(cString: PQresultErrorMessage(result)).trimmingSpaces()
        let code: StorageError.Code
        switch state {
        case SQLState.uniqueViolation: code = .uniqueViolation
        case SQLState.foreignKeyViolation: code = .foreignKeyViolation
        case let s? where s.hasPrefix("23"): code = .constraint
        case let s? where s.hasPrefix("42"): code = .syntax
        case let s? where s.hasPrefix("08"): code = .connection
        default: code = .other
        }
        // DETAIL is left out on purpose: it may carry the bound values.
        return StorageError(
            code: code, message: message, driverCode: state, constraint: field("n"), sql: sql, at: location)
    }

    public func run(_ sql: String, _ binds: [SQLValue], at location: SourceLocation) throws(StorageError) {
        let converted = PostgresConnection.numberedPlaceholders(sql)
        let name = try prepare(converted, binds: binds.count, sql: sql, at: location)
        let result = try withParameters(binds) { values, count in
            PQexecPrepared(handle, name, count, values, nil, nil, 0)
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw error(from: result, sql: sql, at: location)
        }
    }

    /// The name of the prepared statement for `converted`, preparing it on first use. A
    /// statement the server cannot prepare fails here, with the server's message, as it would
    /// when run.
    private func prepare(
        _ converted: String, binds: Int, sql: String, at location: SourceLocation
    ) throws(StorageError)
        -> String
    {
        if let name = prepared[converted] { return name }
        if prepared.count >= Self.preparedLimit {
            try runScript("DEALLOCATE ALL", at: location)
            prepared.removeAll()
        }
        let name = "erc_\(prepared.count + 1)"
        let result = PQprepare(handle, name, converted, Int32(binds), nil)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw error(from: result, sql: sql, at: location) }
        prepared[converted] = name
        return name
    }

    public func runScript(_ sql: String, at location: SourceLocation) throws(StorageError) {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard result != nil, status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw error(from: result, sql: sql, at: location)
        }
    }

    public func stream(
        _ sql: String, _ binds: [SQLValue], at location: SourceLocation, _ body: (SQLRow) throws -> Void
    ) throws {
        try fetch(sql, binds, at: location, singleRow: true, body)
    }

    /// The whole result in one `PGresult`: one allocation instead of one per row.
    public func streamBuffered(
        _ sql: String, _ binds: [SQLValue], at location: SourceLocation, _ body: (SQLRow) throws -> Void
    ) throws {
        try fetch(sql, binds, at: location, singleRow: false, body)
    }

    private func fetch(
        _ sql: String, _ binds: [SQLValue], at location: SourceLocation, singleRow: Bool,
        _ body: (SQLRow) throws -> Void
    ) throws {
        let converted = PostgresConnection.numberedPlaceholders(sql)
        let name = try prepare(converted, binds: binds.count, sql: sql, at: location)
        let sent = try withParameters(binds) { values, count in
            PQsendQueryPrepared(handle, name, count, values, nil, nil, 0)
        }
        guard sent == 1 else { throw error(from: nil, sql: sql, at: location) }
        if singleRow { PQsetSingleRowMode(handle) }
        var failure: (any Error)?
        // Every result must be read, even after a failure, so the connection stays usable.
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            switch status {
            case PGRES_SINGLE_TUPLE, PGRES_TUPLES_OK:
                guard failure == nil else { continue }
                let columns = PQnfields(result)
                for row in 0..<PQntuples(result) {
                    var values: [SQLValue] = []
                    values.reserveCapacity(Int(columns))
                    for column in 0..<columns {
                        if PQgetisnull(result, row, column) == 1 {
                            values.append(.null)
                        } else {
                            values.append(.text(String(cString: PQgetvalue(result, row, column))))
                        }
                    }
                    do { try body(SQLRow(values: values)) } catch {
                        failure = error
                        break
                    }
                }
            case PGRES_COMMAND_OK:
                continue
            default:
                if failure == nil { failure = error(from: result, sql: sql, at: location) }
            }
        }
        if let failure { throw failure }
    }

    public func load<Rows: Sequence<[SQLValue]>>(
        into table: String, columns: [String], rows: Rows, at location: SourceLocation
    ) throws -> Int {
        let sql = "COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN"
        let start = PQexec(handle, sql)
        let startStatus = PQresultStatus(start)
        guard startStatus == PGRES_COPY_IN else {
            let failure = error(from: start, sql: sql, at: location)
            PQclear(start)
            throw failure
        }
        PQclear(start)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 17)
        var count = 0
        var failure: StorageError?
        func flush() {
            guard !buffer.isEmpty, failure == nil else { return }
            let rc = buffer.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
            }
            if rc != 1 { failure = error(from: nil, sql: sql, at: location) }
            buffer.removeAll(keepingCapacity: true)
        }
        for row in rows {
            PostgresConnection.appendCopyLine(row, to: &buffer)
            count += 1
            if buffer.count >= 1 << 16 { flush() }
        }
        flush()
        _ = PQputCopyEnd(handle, failure == nil ? nil : "erc: copy aborted")
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) != PGRES_COMMAND_OK && failure == nil {
                failure = error(from: result, sql: sql, at: location)
            }
            PQclear(result)
        }
        if let failure { throw failure }
        return count
    }

    package func begin(at location: SourceLocation) throws(StorageError) {
        try runScript(transactionDepth == 0 ? "BEGIN" : "SAVEPOINT sp\(transactionDepth)", at: location)
        transactionDepth += 1
    }

    package func commit(at location: SourceLocation) throws(StorageError) {
        transactionDepth -= 1
        try runScript(transactionDepth == 0 ? "COMMIT" : "RELEASE SAVEPOINT sp\(transactionDepth)", at: location)
    }

    package func rollback(at location: SourceLocation) throws(StorageError) {
        transactionDepth -= 1
        if transactionDepth == 0 {
            try runScript("ROLLBACK", at: location)
        } else {
            try runScript(
                "ROLLBACK TO SAVEPOINT sp\(transactionDepth); RELEASE SAVEPOINT sp\(transactionDepth)", at: location)
        }
    }
}

@available(*, unavailable)
extension PostgresConnection: Sendable {}
