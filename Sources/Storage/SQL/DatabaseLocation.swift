#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the database is: an SQLite file (the default) or a PostgreSQL server.
///
/// `erc.sqlite` in the working directory unless `--db` or `ERC_DATABASE_URL` names another
/// file, a `sqlite:` path, or a `postgres://` / `postgresql://` URL.
public enum DatabaseLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public static let defaultPath = "erc.sqlite"

    public init(_ text: String) {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else if text.hasPrefix("sqlite://") {
            self = .sqlite(path: String(text.dropFirst("sqlite://".count)))
        } else if text.hasPrefix("sqlite:") {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else {
            self = .sqlite(path: text)
        }
    }

    /// `--db` first, then `ERC_DATABASE_URL`, then `erc.sqlite`.
    public static func resolve(option: String?, environment: [String: String]) -> DatabaseLocation {
        if let option, !option.isEmpty { return DatabaseLocation(option) }
        if let url = environment["ERC_DATABASE_URL"], !url.isEmpty { return DatabaseLocation(url) }
        return .sqlite(path: defaultPath)
    }

    /// Opens a new connection; each worker opens its own. An SQLite file that does not exist is
    /// created (empty).
    package func connect(file: String = #fileID, line: Int = #line) throws(StorageError) -> any Connection {
        switch self {
        case .sqlite(let path): try SQLiteConnection(path: path, file: file, line: line)
        case .postgres(let url): try PostgresConnection(url: url, file: file, line: line)
        }
    }

    /// Opens a connection and brings the schema up to date, creating an SQLite file that does
    /// not exist: for `erc db migrate`, `erc demo` and tests.
    package func open(file: String = #fileID, line: Int = #line) throws -> any Connection {
        let connection = try connect(file: file, line: line)
        try Migrator(connection).migrate()
        return connection
    }

    /// Opens a database whose schema is what this build expects, and changes nothing: refuses
    /// an SQLite file that does not exist (it is not created), a database without erc's schema,
    /// and a schema older or newer than this build's, each naming the database and what to run.
    /// Nothing is written, so reports can read a read-only standby.
    package func openExisting(file: String = #fileID, line: Int = #line) throws -> any Connection {
        let connection = try connectExisting(file: file, line: line)
        let migrator = Migrator(connection)
        let applied = try migrator.appliedVersions(file: file, line: line)
        let known = Set(Schema.migrations.map(\.version))
        let migrate = "run `erc db migrate --db \(argument)`"
        if applied.isEmpty {
            throw StorageError(
                code: .schemaMismatch, message: "\(self) holds no erc schema: \(migrate) first", file: file, line: line)
        }
        if let unknown = applied.subtracting(known).max() {
            throw StorageError(
                code: .schemaMismatch,
                message: "the schema of \(self) is at version \(unknown), newer than this erc knows "
                    + "(\(known.max() ?? 0)): use the erc that migrated it",
                file: file, line: line)
        }
        let pending = known.subtracting(applied).sorted()
        if !pending.isEmpty {
            throw StorageError(
                code: .schemaMismatch,
                message:
                    "the schema of \(self) is at version \(applied.max() ?? 0), this erc needs \(known.max() ?? 0) "
                    + "(pending: \(pending.map(String.init).joined(separator: ", "))): \(migrate)",
                file: file, line: line)
        }
        return connection
    }

    /// Opens a new connection to a database that exists: an SQLite file that does not is refused
    /// (not created), naming the command that creates it. The schema is not looked at.
    package func connectExisting(file: String = #fileID, line: Int = #line) throws(StorageError) -> any Connection {
        switch self {
        case .sqlite(let path):
            guard Self.fileExists(path) else {
                throw StorageError(
                    code: .noDatabase,
                    message:
                        "no database at \(path): `erc db migrate --db \(path)` creates one, `erc demo` a demo region",
                    file: file, line: line)
            }
            var info = stat()
            if !path.hasPrefix("file:"), stat(path, &info) == 0 {
                if (info.st_mode & S_IFMT) == S_IFDIR {
                    throw StorageError(
                        code: .noDatabase, message: "\(path) is a folder, not a database file", file: file, line: line)
                }
                // Opened, an empty file would be written to (the journal mode): refused as it is.
                if info.st_size == 0 {
                    throw StorageError(
                        code: .schemaMismatch,
                        message: "\(path) is an empty file, with no erc schema: run `erc db migrate --db \(path)`",
                        file: file, line: line)
                }
            }
            do {
                return try SQLiteConnection(path: path, create: false, file: file, line: line)
            } catch let error where error.driverCode == "SQLITE 26" {
                throw StorageError(
                    code: .noDatabase, message: "\(path) is not an SQLite database (\(error.message))", file: file,
                    line: line)
            }
        case .postgres(let url):
            return try PostgresConnection(url: url, file: file, line: line)
        }
    }

    /// The database as `--db` takes it, for the commands a message suggests.
    var argument: String {
        switch self {
        case .sqlite(let path): path
        case .postgres: "'\(description)'"
        }
    }

    private static func fileExists(_ path: String) -> Bool {
        if path == ":memory:" || path.hasPrefix("file:") { return true }
        var info = stat()
        return stat(path, &info) == 0
    }

    public var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }

    /// A description without the password of a PostgreSQL URL.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url):
            guard let at = url.lastIndex(of: "@"), let scheme = url.firstRange(of: "://") else { return url }
            let credentials = url[scheme.upperBound..<at]
            guard let colon = credentials.firstIndex(of: ":") else { return url }
            return String(url[..<colon]) + ":***" + String(url[at...])
        }
    }
}
