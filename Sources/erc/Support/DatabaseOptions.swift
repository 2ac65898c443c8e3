import ArgumentParser
import Foundation
import Storage

/// `--db`, shared by every command that touches the database.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: ArgumentHelp(
            "SQLite file or postgres:// URL (default: $ERC_DATABASE_URL, else erc.sqlite).", valueName: "url"))
    var url: String?

    var location: DatabaseLocation {
        DatabaseLocation.resolve(option: url, environment: ProcessInfo.processInfo.environment)
    }

    /// Opens the database and applies pending migrations.
    func open() throws -> any Connection {
        try location.open()
    }
}
