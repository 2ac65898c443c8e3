/// A database operation that failed, with the driver's own code, the SQL and where it was called.
///
/// `description` names what failed and where, never the bound values; `debugDescription` adds
/// the SQL text for operators.
public struct StorageError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let base: String
        private init(_ base: String) { self.base = base }
        public static let connection = Code("connection")
        public static let uniqueViolation = Code("unique violation")
        public static let foreignKeyViolation = Code("foreign key violation")
        public static let constraint = Code("constraint")
        public static let syntax = Code("syntax")
        public static let decoding = Code("decoding")
        public static let migration = Code("migration")
        public static let busy = Code("busy")
        /// `--db` names an SQLite file that does not exist (only `erc db migrate` creates one).
        public static let noDatabase = Code("no database")
        /// The database holds no erc schema, or one older or newer than this build's.
        public static let schemaMismatch = Code("schema mismatch")
        public static let other = Code("database error")
        public var description: String { base }
    }

    public var code: Code
    /// The driver's message (SQLite's errmsg, PostgreSQL's primary message).
    public var message: String
    /// PostgreSQL's SQLSTATE, or SQLite's extended result code as text.
    public var driverCode: String?
    public var constraint: String?
    public var sql: String?
    public var file: String
    public var line: Int

    public init(
        code: Code, message: String, driverCode: String? = nil, constraint: String? = nil, sql: String? = nil,
        at location: SourceLocation? = nil, file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.driverCode = driverCode
        self.constraint = constraint
        self.sql = sql
        self.file = location?.file ?? file
        self.line = location?.line ?? line
    }

    public var description: String {
        let what = driverCode.map { "\(code) [\($0)]" } ?? "\(code)"
        return "\(what): \(message) - while running a statement (\(file):\(line))"
    }

    public var debugDescription: String {
        description + (sql.map { "\n  SQL: \($0)" } ?? "")
    }
}

/// SQLSTATE values callers match on.
public enum SQLState {
    public static let uniqueViolation = "23505"
    public static let foreignKeyViolation = "23503"
    public static let serializationFailure = "40001"
}
