import Foundation
public import Storage

/// The PostgreSQL server tests run against: the throwaway cluster `make test` starts
/// (`scripts/with-postgres.sh` exports `ERC_TEST_POSTGRES_URL`). Under `CI=true` it must be
/// there: tests fail rather than skip.
public enum PostgresTestServer {
    public static var adminURL: String? {
        ProcessInfo.processInfo.environment["ERC_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// True on CI, where a missing server is a failure, not a skip.
    public static var isRequired: Bool {
        ProcessInfo.processInfo.environment["CI"] == "true"
    }

    /// Whether PostgreSQL tests run here: always on CI (and fail there without a server).
    public static var isEnabled: Bool { adminURL != nil || isRequired }

    /// Creates a fresh database for one test and returns its URL; with `template`, a copy of that
    /// database (which nobody may be connected to).
    public static func createDatabase(prefix: String = "erc_t", template: TestDatabase? = nil) throws -> TestDatabase {
        guard let adminURL else {
            throw MissingServer()
        }
        let name = "\(prefix)_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "_"))"
        let admin = try PostgresConnection(url: adminURL)
        try admin.execute("CREATE DATABASE \(name)" + (template.map { " TEMPLATE \($0.name)" } ?? ""))
        guard let slash = adminURL.lastIndex(of: "/") else { throw MissingServer() }
        return TestDatabase(adminURL: adminURL, name: name, url: String(adminURL[...slash]) + name)
    }

    public struct MissingServer: Error, CustomStringConvertible {
        public var description: String {
            "ERC_TEST_POSTGRES_URL is not set: run the tests with `make test`, which starts a throwaway cluster"
        }
    }
}

/// A database created for one test, dropped when released.
public final class TestDatabase: Sendable {
    public let adminURL: String
    public let name: String
    public let url: String

    init(adminURL: String, name: String, url: String) {
        self.adminURL = adminURL
        self.name = name
        self.url = url
    }

    public var location: DatabaseLocation { .postgres(url: url) }

    deinit {
        if let admin = try? PostgresConnection(url: adminURL) {
            try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }
}
