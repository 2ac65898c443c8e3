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

    @Test(
        "a registry line designating a principal and a service pays them first; a wrong INN is refused by line",
        arguments: Driver.enabled)
    func aRegistryLineDesignatesAPrincipalAndAService(_ driver: Driver) throws {
        let folder = try TemporaryDirectory("erc-designated")
        let erc = ERCRunner(folder: folder)
        let db = try Region.database(driver, in: folder)
        try erc(["principals", "import", "--db", db.argument, try Region.files.get().capitalRepairTariffs])
        #expect(try erc(["bill", "--db", db.argument, "--period", Region.period]).status == 0)
        let account = try #require(
            try db.connect().first(
                """
                SELECT p.account_number FROM postings p JOIN principals pr ON pr.id = p.principal_id
                WHERE pr.inn = '7451000006' AND p.service_code = 'CW' AND p.kind = 'charge' ORDER BY 1
                """)
        ).string(0)
        func registry(_ name: String, designation: String) throws -> String {
            let line = [
                "20-10-2026", "10-15-32", "8597", "0100", "12", "op-\(name)", account, "Иванов Иван Иванович",
                "г. Челябинск", "1026", "100.00", "100.00", "0.00", designation,
            ].joined(separator: ";")
            let path = folder.file("\(name).txt")
            try Data(CP1251.encode(line + "\r\n=1;100.00;100.00;0.00;\(name);21-10-2026\r\n") ?? []).write(
                to: URL(fileURLWithPath: path))
            return path
        }
        let bad = try erc([
            "payments", "import", "--db", db.argument, "--bank", "sber",
            try registry("90", designation: "Principal:7451000007"),
        ])
        #expect(bad.status == 65 && bad.stderr.contains("Principal"), "\(bad.stderr)")
        let good = try erc([
            "payments", "import", "--db", db.argument, "--bank", "sber",
            try registry("91", designation: "Principal:7451000006;Service:CW"),
        ])
        #expect(good.status == 0, "\(good.stderr)")
        // The whole 100,00 went to the water utility's cold water.
        let parts = try db.connect().all(
            """
            SELECT pr.inn, p.service_code, -SUM(p.amount) FROM postings p JOIN payments y ON y.id = p.payment_id
            JOIN principals pr ON pr.id = p.principal_id WHERE y.operation_id = 'op-91'
            GROUP BY pr.inn, p.service_code
            """
        ).map { "\(try $0.string(0)) \(try $0.string(1)) \(try $0.int64(2))" }
        #expect(parts == ["7451000006 CW 10000"], "\(parts)")
    }
}
