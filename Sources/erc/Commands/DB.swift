import ArgumentParser
import CommandLineSupport
import Storage

struct DB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Database schema (migrations and their state), backups and restores.",
        subcommands: [Migrate.self, Status.self, Backup.self, Restore.self])

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the database if it is missing and apply pending migrations.")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let applied = try Database.migrate(database.location)
            if !applied.isEmpty {
                try Audit.record(
                    database, "erc db migrate", "schema", id: "\(applied.max() ?? 0)",
                    after: "migrations \(applied.map(String.init).joined(separator: ", ")) applied")
            }
            print(
                applied.isEmpty
                    ? "Schema is up to date."
                    : "Applied migrations \(applied.map(String.init).joined(separator: ", ")).")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List migrations and when each was applied.")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let migrations = try Database(database.location).withConnection { try Migrator($0).status() }
            print("Database: \(database.location)")
            for migration in migrations {
                let state = migration.appliedAt.map { "applied \($0)" } ?? "pending"
                print("\(migration.version)  \(migration.name)  \(state)")
            }
        }
    }
}
