import ArgumentParser
import CommandLineSupport
import Foundation
import Storage

/// `--db`, shared by every command that touches the database, with `-v` (logging).
struct DatabaseOptions: ParsableArguments {

    @Option(
        name: .customLong("db"),
        help: ArgumentHelp(
            "SQLite file or postgres:// URL (default: $ERC_DATABASE_URL, else erc.sqlite).", valueName: "url"))
    var url: String?
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let url, url.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError(
                "--db is empty: name an SQLite file or a postgres:// URL, or leave the option out for erc.sqlite")
        }
    }

    var location: DatabaseLocation {
        DatabaseLocation.resolve(option: url, environment: ProcessInfo.processInfo.environment)
    }

    /// The database `erc db migrate` (or `erc demo`) made, at this build's schema; nothing is
    /// written to open it: a missing SQLite file or a schema that is not this build's is refused
    /// with the command to run.
    func open() throws -> Database {
        try Database.existing(location)
    }

    /// Runs `body` with a connection of the command's database (``open()``).
    func withConnection<T>(_ body: (any Connection) throws -> T) throws -> T {
        try open().withConnection(body)
    }

    /// Creates the database if it is missing and brings its schema up to date: `erc db migrate`
    /// and `erc demo` only.
    func openCreating() throws -> Database {
        try Database.migrated(location)
    }
}
