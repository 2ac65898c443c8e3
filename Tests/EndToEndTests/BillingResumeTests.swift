import Core
import ERCTestSupport
import Foundation
import Storage
import Testing

/// `erc bill` killed with SIGKILL halfway, then run again, ends with exactly the statements of
/// an uninterrupted run.
@Suite("A billing run killed halfway", .serialized)
struct BillingResumeTests {
    func erc(_ arguments: [String], in folder: TemporaryDirectory) throws -> ProcessResult {
        try ProcessRunner.run(
            TestPaths.ercBinary, arguments, environment: ["ERC_DATABASE_URL": ""], currentDirectory: folder.path)
    }

    func statements(_ db: String) throws -> [String] {
        let connection = try DatabaseLocation.sqlite(path: db).connect()
        var rows: [String] = []
        try connection.query(
            """
            SELECT account_number, line_count, total, as_of, opening, charged, recalculated, privileges, penalties, paid
            FROM statements WHERE period = '2026-10' ORDER BY account_number
            """
        ) {
            rows.append($0.values.map { "\($0)" }.joined(separator: "|"))
        }
        try connection.query(
            """
            SELECT account_number, line_no, principal_id, service_code, volume_milli, tariff, amount, opening,
                   recalculated, privileges, penalties, paid, closing, method
            FROM statement_lines WHERE period = '2026-10' ORDER BY account_number, line_no
            """
        ) { rows.append($0.values.map { "\($0)" }.joined(separator: "|")) }
        // The houses' common property (СОИ): what each batch added to its houses' rows, once.
        try connection.query(
            """
            SELECT house_code, resource, basis, method, meter_milli, individual_milli, common_milli, carried_out_milli,
                   billed_individual_milli, billed_common_milli
            FROM house_volumes WHERE period = '2026-10' ORDER BY house_code, resource, basis
            """
        ) { rows.append($0.values.map { "\($0)" }.joined(separator: "|")) }
        return rows
    }

    @Test func killedAndRunAgainGivesTheSameStatements() throws {
        let folder = try TemporaryDirectory("erc-resume")
        let generated = try erc(
            ["demo", "--premises", "6000", "--seed", "5", "--files-only", "--out", folder.file("demo")], in: folder)
        #expect(generated.status == 0, "\(generated.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.file("demo/exchange"))
        let ordered = ["principal", "accounts", "meters", "tariffs", "readings", "charges"].flatMap { kind in
            files.filter { $0.hasPrefix(kind + "-") }.sorted().map { folder.file("demo/exchange/\($0)") }
        }
        let whole = folder.file("whole.sqlite")
        let killed = folder.file("killed.sqlite")
        for db in [whole, killed] {
            #expect(try erc(["db", "migrate", "--db", db], in: folder).status == 0)
            let imported = try erc(["principals", "import", "--db", db] + ordered, in: folder)
            #expect(imported.status == 0, "\(imported.stderr.prefix(500))")
        }
        #expect(try erc(["bill", "--db", whole, "--period", "2026-10", "--batch-size", "10"], in: folder).status == 0)

        // Start a run, let it finish a few batches, then kill it without a chance to clean up.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.ercBinary)
        process.arguments = ["bill", "--db", killed, "--period", "2026-10", "--batch-size", "10"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let watcher = try DatabaseLocation.sqlite(path: killed).connect()
        var done: Int64 = 0
        let deadline = Date().addingTimeInterval(60)
        while done < 20 && Date() < deadline && process.isRunning {
            done = (try? watcher.scalar("SELECT COUNT(*) FROM billing_batches WHERE status = 'done'")) ?? 0
            usleep(5_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the run finished before it could be killed")
        let total = try watcher.scalar("SELECT COUNT(*) FROM billing_batches")
        let finished = try watcher.scalar("SELECT COUNT(*) FROM billing_batches WHERE status = 'done'")
        #expect(finished >= 20 && finished < total, "\(finished) of \(total) batches done at the kill")

        let resumed = try erc(["bill", "--db", killed, "--period", "2026-10", "--batch-size", "10"], in: folder)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try watcher.scalar("SELECT COUNT(*) FROM billing_runs") == 1, "the second run did not resume the first")
        #expect(try watcher.scalar("SELECT COUNT(*) FROM billing_batches WHERE status <> 'done'") == 0)
        let expected = try statements(whole)
        #expect(expected.count > 6_000)
        #expect(try statements(killed) == expected)
        // The journal too: the run's postings are the same, none doubled by the resumed batches.
        let postings = "SELECT COUNT(*), SUM(amount), SUM(volume_milli) FROM postings WHERE run_id IS NOT NULL"
        let wholeJournal = try DatabaseLocation.sqlite(path: whole).connect().first(postings)!.values
        #expect(try watcher.first(postings)!.values == wholeJournal)
        // Billing again on the same journal changes nothing.
        #expect(try erc(["bill", "--db", killed, "--period", "2026-10"], in: folder).status == 0)
        #expect(try statements(killed) == expected)
    }
}
