import ArgumentParser
import CommandLineSupport
import Foundation
import Principals
import Storage

/// What `erc db backup` writes beside the backup file (`FILE.manifest.json`) and `erc db restore`
/// checks the restore by.
struct BackupManifest: Codable {
    var createdAt: String
    /// `sqlite` (a database file, SQLite's online backup) or `postgres` (pg_dump's custom format).
    var driver: String
    /// The database it was taken from, without a password.
    var source: String
    var file: String
    var bytes: Int
    var sha256: String
    /// The pg_dump that wrote it, for a PostgreSQL backup.
    var tool: String?
    var inventory: DatabaseInventory

    static func path(of file: String) -> String { file + ".manifest.json" }
}

/// Refusals of a backup or restore: exit 65 with the message.
struct BackupError: Error, CustomStringConvertible {
    var description: String
}

extension DB {
    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Back up the database into one file, with a manifest a restore is checked by.",
            discussion: """
                SQLite: a consistent copy by SQLite's online backup API while erc works on the \
                database. PostgreSQL: pg_dump in its custom format (found on PATH, its major \
                version at least the server's), run on the snapshot of a transaction of erc's own, \
                so that the manifest's counts are the dump's. The manifest, FILE.manifest.json, \
                names the time, the schema version, the rows of every table, the journal's count \
                and sum of each kind of posting and the file's SHA-256. An existing FILE is not \
                overwritten (exit 73).
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The backup file to write.") var out: String

        func validate() throws {
            if out.allSatisfy(\.isWhitespace) || out.hasSuffix("/") {
                throw ValidationError("--out: name the backup file to write")
            }
        }

        func run() throws {
            let folder = URL(fileURLWithPath: out).deletingLastPathComponent().path
            try OutputFolder.prepare(folder)
            for path in [out, BackupManifest.path(of: out)] where FileManager.default.fileExists(atPath: path) {
                throw OutputError(path: path, reason: "it exists; a backup is never written over: give a new name")
            }
            let partial = out + ".partial"
            try? FileManager.default.removeItem(atPath: partial)
            defer { try? FileManager.default.removeItem(atPath: partial) }
            let location = database.location
            var tool: String?
            let inventory: DatabaseInventory
            switch location {
            case .sqlite:
                let connection = try location.connectExisting()
                guard let sqlite = connection as? SQLiteConnection else { throw BackupError(description: "not SQLite") }
                try sqlite.backup(into: partial)
                // The counts of the copy itself.
                inventory = try DatabaseInventory.take(on: try DatabaseLocation.sqlite(path: partial).connectExisting())
            case .postgres(let url):
                let dump = try PostgresTools.find("pg_dump")
                let connection = try location.connectExisting()
                let server = try PostgresTools.serverMajor(on: connection)
                let version = try PostgresTools.version(of: dump)
                guard version.major >= server else {
                    throw BackupError(
                        description:
                            "\(dump) is PostgreSQL \(version.major), the server \(server): install a pg_dump of version \(server) or later"
                    )
                }
                tool = version.text
                // A snapshot of erc's own: the dump and the counts see the same rows.
                try connection.executeScript("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                defer { try? connection.executeScript("COMMIT") }
                let snapshot = try connection.first("SELECT pg_export_snapshot()")!.string(0)
                inventory = try DatabaseInventory.take(on: connection)
                try PostgresTools.run(
                    dump, ["--format=custom", "--no-owner", "--snapshot=\(snapshot)", "--file=\(partial)", url])
            }
            guard let digest = fileDigest(path: partial) else {
                throw OutputError(path: partial, reason: "cannot be read back")
            }
            try FileManager.default.moveItem(atPath: partial, toPath: out)
            let manifest = BackupManifest(
                createdAt: CenterCalendar.nowStamp, driver: location.isPostgres ? "postgres" : "sqlite",
                source: location.description, file: URL(fileURLWithPath: out).lastPathComponent, bytes: digest.size,
                sha256: digest.sha256, tool: tool, inventory: inventory)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(manifest).write(to: URL(fileURLWithPath: BackupManifest.path(of: out)))
            let rows = inventory.tables.values.reduce(0, +)
            print(
                "Backed up \(location) into \(out): \(inventory.tables.count) tables, \(rows) rows, "
                    + "\(inventory.journal.values.reduce(0) { $0 + $1.postings }) postings, schema \(inventory.schemaVersion), "
                    + "\(digest.size) bytes, SHA-256 \(digest.sha256).")
            print("Manifest: \(BackupManifest.path(of: out))")
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a backup into an empty database, checked against its manifest.",
            discussion: """
                The target (--db) must hold nothing: an SQLite file that does not exist yet, or a \
                PostgreSQL database without tables; anything else is refused. The backup's \
                SHA-256 is checked against its manifest before anything is restored, and the rows \
                of every table and the journal's count and sum of each kind after: a difference \
                is listed and the restored database removed (exit 65). A PostgreSQL backup goes \
                into PostgreSQL (pg_restore from PATH, in one transaction), an SQLite one into an \
                SQLite file.
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The backup file (its manifest beside it, FILE.manifest.json).") var file: String

        func run() throws {
            let manifestPath = BackupManifest.path(of: file)
            guard FileManager.default.fileExists(atPath: file) else {
                throw BackupError(description: "no backup file \(file)")
            }
            guard let data = FileManager.default.contents(atPath: manifestPath) else {
                throw BackupError(description: "no manifest \(manifestPath) beside \(file): not a backup of erc's")
            }
            let manifest: BackupManifest
            do {
                manifest = try JSONDecoder().decode(BackupManifest.self, from: data)
            } catch {
                throw BackupError(description: "\(manifestPath) is not a backup manifest: \(error)")
            }
            guard let digest = fileDigest(path: file) else {
                throw BackupError(description: "cannot read \(file)")
            }
            guard digest.sha256 == manifest.sha256, digest.size == manifest.bytes else {
                throw BackupError(
                    description:
                        "\(file) is not the file its manifest describes (SHA-256 \(digest.sha256), \(digest.size) bytes; "
                        + "the manifest says \(manifest.sha256), \(manifest.bytes) bytes): damaged or replaced; nothing restored"
                )
            }
            let target = database.location
            // A backup of another schema is restored by the erc that wrote it, then migrated.
            let version = Schema.migrations.map(\.version).max() ?? 0
            guard manifest.inventory.schemaVersion == version else {
                throw BackupError(
                    description:
                        "\(file) holds schema \(manifest.inventory.schemaVersion), this erc's is \(version): restore it with the erc "
                        + "that wrote it, then erc db migrate")
            }
            guard (manifest.driver == "postgres") == target.isPostgres else {
                throw BackupError(
                    description:
                        "\(file) is a \(manifest.driver == "postgres" ? "PostgreSQL" : "SQLite") backup; restore it into "
                        + (manifest.driver == "postgres" ? "a postgres:// database" : "an SQLite file"))
            }
            let restored: DatabaseInventory
            switch target {
            case .sqlite(let path):
                guard !FileManager.default.fileExists(atPath: path) else {
                    throw BackupError(
                        description: "\(path) exists: a backup is restored into a new file only, never over a database")
                }
                let partial = path + ".restoring"
                let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
                try OutputFolder.prepare(folder)
                try? FileManager.default.removeItem(atPath: partial)
                defer { try? FileManager.default.removeItem(atPath: partial) }
                try SQLiteConnection.restore(from: file, into: partial)
                restored = try DatabaseInventory.take(on: try DatabaseLocation.sqlite(path: partial).connectExisting())
                try check(restored, against: manifest)
                let applied = try Migrator(try DatabaseLocation.sqlite(path: partial).connectExisting())
                    .appliedVersions()
                guard applied.max() == version else {
                    throw BackupError(description: "the restored database's migrations do not match its manifest")
                }
                try FileManager.default.moveItem(atPath: partial, toPath: path)
            case .postgres(let url):
                let connection = try target.connectExisting()
                let before = try DatabaseInventory.take(on: connection)
                guard before.isEmpty else {
                    throw BackupError(
                        description:
                            "\(target) holds \(before.tables.count) tables: a backup is restored into an empty database only"
                    )
                }
                let restore = try PostgresTools.find("pg_restore")
                try PostgresTools.run(
                    restore,
                    ["--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges", "-d", url, file])
                restored = try DatabaseInventory.take(on: connection)
                do {
                    try check(restored, against: manifest)
                } catch {
                    // Back to empty, as it was.
                    for table in restored.tables.keys.sorted() {
                        try connection.executeScript("DROP TABLE IF EXISTS \"\(table)\" CASCADE")
                    }
                    throw error
                }
            }
            try Audit.record(
                target.connectExisting(), "erc db restore", "database", id: target.description,
                after: "\(restored.tables.values.reduce(0, +)) rows restored",
                source: "\(file) (SHA-256 \(manifest.sha256), taken \(manifest.createdAt) from \(manifest.source))")
            print(
                "Restored \(file) (taken \(manifest.createdAt) from \(manifest.source)) into \(target): "
                    + "\(restored.tables.count) tables, \(restored.tables.values.reduce(0, +)) rows and the journal's "
                    + "\(restored.journal.count) kinds of posting as the manifest has them.")
        }

        func check(_ restored: DatabaseInventory, against manifest: BackupManifest) throws {
            let differences = manifest.inventory.differences(from: restored)
            guard differences.isEmpty else {
                throw BackupError(
                    description: "the restore does not hold what the backup did, nothing kept:\n  "
                        + differences.joined(separator: "\n  "))
            }
        }
    }
}

/// PostgreSQL's own tools, found on PATH.
enum PostgresTools {
    static func find(_ name: String) throws -> String {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for folder in paths where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return "\(folder)/\(name)"
        }
        throw BackupError(description: "\(name) is not on PATH: install postgresql-client")
    }

    /// `pg_dump (PostgreSQL) 15.14` -> 15.
    static func version(of tool: String) throws -> (major: Int, text: String) {
        let text = try run(tool, ["--version"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let number = text.split(separator: " ").last.flatMap { $0.split(separator: ".").first }.flatMap { Int($0) }
        guard let number else { throw BackupError(description: "cannot read the version of \(tool): \(text)") }
        return (number, text)
    }

    static func serverMajor(on connection: any Connection) throws -> Int {
        Int(try connection.scalar("SELECT current_setting('server_version_num')::int")) / 10_000
    }

    /// Runs `tool`; its standard output, or the error with its standard error.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BackupError(
                description:
                    "\(URL(fileURLWithPath: tool).lastPathComponent) failed (\(process.terminationStatus)): "
                    + String(decoding: err, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return String(decoding: out, as: UTF8.self)
    }
}
