import Core
import ERCTestSupport
import Foundation
import Storage
import Testing

/// Backups and the restore drill, through the built `erc` on both drivers.
@Suite("Backups and the restore drill", .serialized)
struct BackupTests {
    @Test(
        "the drill: a billed month backed up, changed, restored into a new database: the books are those of the backup",
        arguments: Driver.enabled)
    func restoreDrill(_ driver: Driver) throws {
        let folder = try TemporaryDirectory("erc-backup")
        let erc = ERCRunner(folder: folder)
        let db = try Region.database(driver, in: folder)
        try erc(["principals", "import", "--db", db.argument, try Region.files.get().capitalRepairTariffs])
        #expect(try erc(["bill", "--db", db.argument, "--period", Region.period]).status == 0)
        func turnover(_ database: String) throws -> String {
            let result = try erc([
                "reconcile", "turnover", "--db", database, "--period", Region.period, "--format", "csv",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout
        }
        let atBackup = try turnover(db.argument)
        let backup = folder.file("books.erc")
        let made = try erc(["db", "backup", "--db", db.argument, "--out", backup])
        #expect(made.status == 0, "\(made.stderr)")
        let manifest =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: backup + ".manifest.json"))) as? [String: Any]
        let inventory = manifest?["inventory"] as? [String: Any]
        let tables = inventory?["tables"] as? [String: Int]
        #expect(tables?["postings"] == Int(try db.scalar("SELECT COUNT(*) FROM postings")))
        #expect(manifest?["driver"] as? String == driver.rawValue)
        // Never written over.
        #expect(try erc(["db", "backup", "--db", db.argument, "--out", backup]).status == 73)

        // Things change after the backup: a payment comes in.
        let account = try #require(
            try db.connect().first("SELECT number FROM accounts ORDER BY number")
        ).string(0)
        let line = [
            "20-10-2026", "10-15-32", "8597", "0100", "12", "op-after-backup", account, "Иванов Иван Иванович",
            "г. Челябинск", "1026", "500.00", "500.00", "0.00",
        ].joined(separator: ";")
        let registry = folder.file("registry.txt")
        try Data(CP1251.encode(line + "\r\n=1;500.00;500.00;0.00;77;21-10-2026\r\n") ?? []).write(
            to: URL(fileURLWithPath: registry))
        #expect(try erc(["payments", "import", "--db", db.argument, "--bank", "sber", registry]).status == 0)
        #expect(try erc(["bill", "--db", db.argument, "--period", Region.period]).status == 0)
        #expect(try turnover(db.argument) != atBackup)

        // Restored into a new, empty database.
        let fresh: TestDatabase? =
            driver == .postgres ? try PostgresTestServer.createDatabase(prefix: "erc_restore") : nil
        let target = fresh?.url ?? folder.file("restored.sqlite")
        let restored = try erc(["db", "restore", "--db", target, backup])
        #expect(restored.status == 0, "\(restored.stdout) \(restored.stderr)")
        #expect(try turnover(target) == atBackup)
        let check = try erc(["reconcile", "check", "--db", target, "--period", Region.period])
        #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
        // Never into a database that holds anything: the one just restored, or the original.
        let again = try erc(["db", "restore", "--db", target, backup])
        #expect(again.status == 65 && again.stderr.contains("restore"), "\(again.stderr)")
        #expect(try erc(["db", "restore", "--db", db.argument, backup]).status == 65)

        // A damaged backup is refused before anything is restored.
        let damaged = folder.file("damaged.erc")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: backup))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: damaged))
        try FileManager.default.copyItem(atPath: backup + ".manifest.json", toPath: damaged + ".manifest.json")
        let other: TestDatabase? =
            driver == .postgres ? try PostgresTestServer.createDatabase(prefix: "erc_restore") : nil
        let second = other?.url ?? folder.file("second.sqlite")
        let refused = try erc(["db", "restore", "--db", second, damaged])
        #expect(refused.status == 65 && refused.stderr.contains("SHA-256"), "\(refused.stderr)")
        if driver == .sqlite {
            #expect(!FileManager.default.fileExists(atPath: second))
        } else {
            #expect(
                try DatabaseLocation(second).connect().scalar(
                    "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'") == 0)
        }
    }
}
