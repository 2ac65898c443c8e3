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

    /// Opens a new connection; each worker opens its own.
    public func connect(file: String = #fileID, line: Int = #line) throws(StorageError) -> any Connection {
        switch self {
        case .sqlite(let path): try SQLiteConnection(path: path, file: file, line: line)
        case .postgres(let url): try PostgresConnection(url: url, file: file, line: line)
        }
    }

    /// Opens a connection and brings the schema up to date.
    public func open(file: String = #fileID, line: Int = #line) throws -> any Connection {
        let connection = try connect(file: file, line: line)
        try Migrator(connection).migrate()
        return connection
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
