/// One step of the schema. The SQL may use `{{id}}` for an auto-numbered primary key column,
/// which the dialect fills in; otherwise it is portable between SQLite and PostgreSQL.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    let portable: String?
    let perDialect: [SQLDialect: String]

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        portable = sql
        perDialect = [:]
    }

    /// A step whose SQL differs between the drivers (the dialect hook).
    public init(version: Int, name: String, sqlite: String, postgres: String) {
        self.version = version
        self.name = name
        portable = nil
        perDialect = [.sqlite: sqlite, .postgres: postgres]
    }

    func sql(for dialect: SQLDialect) -> String {
        (portable ?? perDialect[dialect] ?? "").replacingAll("{{id}}", with: dialect.identityPrimaryKey)
    }
}

/// The state of one migration in a database.
public struct MigrationStatus: Sendable, Hashable {
    public let version: Int
    public let name: String
    /// When it was applied (the database's clock), or nil when pending.
    public let appliedAt: String?
}

/// Applies versioned migrations in order, each in its own transaction, recording them in
/// `erc_migrations`. Safe to run from several processes at once.
public struct Migrator {
    let connection: any Connection
    let migrations: [Migration]

    public init(_ connection: any Connection, migrations: [Migration] = Schema.migrations) {
        self.connection = connection
        self.migrations = migrations
    }

    /// Applies what is pending; returns the versions applied now.
    @discardableResult
    public func migrate() throws -> [Int] {
        try connection.executeScript(
            """
            CREATE TABLE IF NOT EXISTS erc_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TEXT NOT NULL DEFAULT (CAST(CURRENT_TIMESTAMP AS TEXT))
            )
            """)
        var applied: [Int] = []
        for migration in migrations.sorted(by: { $0.version < $1.version }) {
            let done = try connection.withTransaction {
                if connection.dialect == .postgres {
                    try connection.execute("SELECT pg_advisory_xact_lock(7201)")
                }
                let exists = try connection.scalar(
                    "SELECT COUNT(*) FROM erc_migrations WHERE version = ?", [migration.version])
                if exists > 0 { return false }
                do {
                    try connection.executeScript(migration.sql(for: connection.dialect))
                } catch var error as StorageError {
                    error.code = .migration
                    error.message = "migration \(migration.version) \(migration.name): \(error.message)"
                    throw error
                }
                try connection.execute(
                    "INSERT INTO erc_migrations (version, name) VALUES (?, ?)", [migration.version, migration.name])
                return true
            }
            if done { applied.append(migration.version) }
        }
        return applied
    }

    /// Whether the database has erc's table of migrations (a read; nothing is created).
    func hasMigrationsTable(file: String = #fileID, line: Int = #line) throws -> Bool {
        switch connection.dialect {
        case .sqlite:
            try connection.scalar(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'erc_migrations'", file: file,
                line: line) > 0
        case .postgres:
            try connection.scalar(
                "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'erc_migrations' AND schemaname = current_schema()",
                file: file, line: line) > 0
        }
    }

    /// The versions applied to the database; empty when it has no erc schema. Only reads.
    public func appliedVersions(file: String = #fileID, line: Int = #line) throws -> Set<Int> {
        guard try hasMigrationsTable(file: file, line: line) else { return [] }
        var versions: Set<Int> = []
        try connection.query("SELECT version FROM erc_migrations", file: file, line: line) {
            versions.insert(try $0.int(0))
        }
        return versions
    }

    /// Every known migration and whether it is applied.
    public func status() throws -> [MigrationStatus] {
        var appliedAt: [Int: String] = [:]
        if try hasMigrationsTable() {
            try connection.query("SELECT version, applied_at FROM erc_migrations") { row in
                appliedAt[try row.int(0)] = try row.string(1)
            }
        }
        return migrations.sorted { $0.version < $1.version }.map {
            MigrationStatus(version: $0.version, name: $0.name, appliedAt: appliedAt[$0.version])
        }
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
