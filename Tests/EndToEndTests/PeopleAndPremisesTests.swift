import Core
import ERCTestSupport
import Foundation
import Storage
import Testing

/// People and premises change: a principal's status as it was in the period billed, through
/// the built `erc` on both drivers.
@Suite("People and premises change", .serialized)
struct PeopleAndPremisesTests {
    @Test(
        "a period is billed with the status each principal had at its end: terminated after it, still on its statements",
        arguments: Driver.enabled)
    func statusInForceForThePeriod(_ driver: Driver) throws {
        let folder = try TemporaryDirectory("erc-status")
        let erc = ERCRunner(folder: folder)
        let db = try Region.database(driver, in: folder)
        try erc(["principals", "import", "--db", db.argument, try Region.files.get().capitalRepairTariffs])
        // The capital-repair fund leaves the center on 10.11.2026, after October.
        let fund = Region.capitalRepairINN
        let terminated = try erc([
            "principals", "terminate", "--db", db.argument, fund, "--on", "2026-11-10", "--reason",
            "договор расторгнут",
        ])
        #expect(terminated.status == 0, "\(terminated.stderr)")
        #expect(try erc(["bill", "--db", db.argument, "--period", Region.period]).status == 0)
        let lines = try db.scalar(
            """
            SELECT COUNT(*) FROM statement_lines l JOIN principals pr ON pr.id = l.principal_id
            WHERE l.period = '2026-10' AND pr.inn = ?
            """, [fund])
        #expect(lines > 100, "the fund's October lines: \(lines)")
        let check = try erc(["reconcile", "check", "--db", db.argument, "--period", Region.period])
        #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
        // November, when it left: on no statement; the check names what the journal keeps for it.
        #expect(try erc(["bill", "--db", db.argument, "--period", "2026-11"]).status == 0)
        #expect(
            try db.scalar(
                """
                SELECT COUNT(*) FROM statement_lines l JOIN principals pr ON pr.id = l.principal_id
                WHERE l.period = '2026-11' AND pr.inn = ?
                """, [fund]) == 0)
        let november = try erc(["reconcile", "check", "--db", db.argument, "--period", "2026-11"])
        #expect(november.status == 0, "\(november.stdout) \(november.stderr)")
        #expect((november.stdout + november.stderr).contains(fund), "\(november.stdout)")
    }
}
