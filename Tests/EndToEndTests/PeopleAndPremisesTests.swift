import Core
import ERCTestSupport
import Foundation
import Intake
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

    /// One line of `erc reconcile debtors --format json`.
    struct Debtor: Decodable, Hashable {
        struct Amount: Decodable, Hashable { var kopecks: Int64 }
        struct Day: Decodable, Hashable {}
        var account: String
        var owner: String
        var ownedUntil: Day?
        var principal: String
        var debt: Amount
    }

    @Test(
        "a change of owner: the debt of the days before stays the previous owner's, capital repair's moves to the new one; the request is done",
        arguments: Driver.enabled)
    func aChangeOfOwner(_ driver: Driver) throws {
        let folder = try TemporaryDirectory("erc-owner")
        let erc = ERCRunner(folder: folder)
        let db = try Region.database(driver, in: folder)
        try erc(["principals", "import", "--db", db.argument, try Region.files.get().capitalRepairTariffs])
        #expect(try erc(["bill", "--db", db.argument, "--period", Region.period]).status == 0)
        let fund = Region.capitalRepairINN
        let water = "7451000006"
        // A premises that owed the fund and the water utility before October.
        let account = try #require(
            try db.connect().first(
                """
                SELECT f.account_number FROM postings f JOIN principals pf ON pf.id = f.principal_id
                JOIN postings w ON w.account_number = f.account_number AND w.kind = 'opening' AND w.amount > 0
                JOIN principals pw ON pw.id = w.principal_id AND pw.inn = ?
                WHERE pf.inn = ? AND f.kind = 'opening' AND f.amount > 0 ORDER BY 1
                """, [water, fund])
        ).string(0)
        let connection = try db.connect()
        let request = try connection.withTransaction {
            try ServiceRequestDesk(connection: connection).open(
                NewServiceRequest(
                    kind: .ownerChange, account: try PersonalAccountNumber(account), serviceCode: "CW",
                    details: "новый договор: квартира продана", channel: .infomat,
                    receivedAt: "2026-10-20T10:00:00+05:00", sender: "infomat-1"))
        }.request
        func debtors() throws -> [Debtor] {
            let result = try erc([
                "reconcile", "debtors", "--db", db.argument, "--period", Region.period, "--as-of", "2026-11-30",
                "--format", "json",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            return try JSONDecoder().decode([Debtor].self, from: Data(result.stdout.utf8)).filter {
                $0.account == account
            }
        }
        let before = try debtors()
        let previous = try #require(before.first?.owner)
        #expect(Set(before.map(\.owner)) == [previous])
        func total(_ lines: [Debtor], _ inn: String) -> Int64 {
            lines.filter { $0.principal == inn }.reduce(0) { $0 + $1.debt.kopecks }
        }
        let changed = try erc([
            "premises", "owner", account, "--db", db.argument, "--name", "Новиков Пётр Ильич", "--since", "2026-10-12",
        ])
        #expect(changed.status == 0 && changed.stdout.contains(request.number), "\(changed.stdout) \(changed.stderr)")
        let after = try debtors()
        // Nothing is lost or doubled: each principal's debt is the same, now split by owner.
        for inn in Set(before.map(\.principal)) { #expect(total(after, inn) == total(before, inn), "\(inn)") }
        let waterLines = after.filter { $0.principal == water }
        #expect(waterLines.map(\.owner) == [previous, "Новиков Пётр Ильич"], "\(waterLines)")
        #expect(waterLines.first?.ownedUntil != nil && waterLines.last?.ownedUntil == nil)
        // The fund's debt, from before the change too, is the new owner's alone.
        #expect(after.filter { $0.principal == fund }.map(\.owner) == ["Новиков Пётр Ильич"])
        // The act names who owes what.
        let act = try erc([
            "reconcile", "act", "--db", db.argument, "--principal", water, "--account", account, "--from",
            "2026-10-01", "--to", "2026-11-30",
        ])
        #expect(act.stdout.contains("by owner") && act.stdout.contains(previous), "\(act.stdout)")
        // The request for a new contract is done by the change.
        let status = try db.connect().first("SELECT status FROM service_requests WHERE number = ?", [request.number])
        #expect(try status?.string(0) == "done")
        // The same change again changes nothing; another name that day is refused.
        let again = try erc([
            "premises", "owner", account, "--db", db.argument, "--name", "Новиков Пётр Ильич", "--since", "2026-10-12",
        ])
        #expect(again.status == 0 && again.stdout.contains("nothing changed"))
        let other = try erc([
            "premises", "owner", account, "--db", db.argument, "--name", "Сидоров", "--since", "2026-10-12",
        ])
        #expect(other.status == 65 && other.stderr.contains("Новиков"), "\(other.stderr)")
        // The same owner from a day before its change would split its time in two; a name the ЕПД
        // cannot print (only a tab, a zero-width space) is a usage error naming the option.
        let earlier = try erc([
            "premises", "owner", account, "--db", db.argument, "--name", "Новиков Пётр Ильич", "--since", "2026-10-08",
        ])
        #expect(earlier.status == 65 && earlier.stderr.contains("from 12.10.2026 already"), "\(earlier.stderr)")
        for name in ["\t", "Новиков\u{200B}"] {
            let bad = try erc([
                "premises", "owner", account, "--db", db.argument, "--name", name, "--since", "2026-10-20",
            ])
            #expect(bad.status == 64 && bad.stderr.contains("--name"), "\(bad.stderr)")
        }
        let unknown = try erc([
            "reconcile", "act", "--db", db.argument, "--principal", water, "--account", "9999999999", "--from",
            "2026-10-01", "--to", "2026-11-30",
        ])
        #expect(unknown.status == 65 && unknown.stderr.contains("unknown account"), "\(unknown.stderr)")
        #expect(try db.scalar("SELECT COUNT(*) FROM owner_changes") == 1)
        // October's ЕПД goes to the owner on its last day.
        let pdf = folder.file("epd.pdf")
        let shown = try erc([
            "receipts", "show", "--db", db.argument, "--account", account, "--period", Region.period, "--out", pdf,
        ])
        #expect(shown.status == 0, "\(shown.stderr)")
        let text = try ProcessRunner.run("pdftotext", [pdf, "-"]).stdout.split(whereSeparator: \.isWhitespace).joined(
            separator: " ")
        #expect(text.contains("Новиков Пётр Ильич") && !text.contains(previous), "\(text.prefix(400))")
        // Once October is closed, its issued ЕПД keep their owner: no change from a day in it.
        #expect(try erc(["period", "close", "--db", db.argument, "--period", Region.period]).status == 0)
        let closed = try erc([
            "premises", "owner", account, "--db", db.argument, "--name", "Сидоров Сидор", "--since", "2026-10-25",
        ])
        #expect(closed.status == 65 && closed.stderr.contains("2026-10 is closed"), "\(closed.stderr)")
    }

    @Test(
        "a month with each new input: sewerage by the water, privileges within a social norm and fixed, a service due on a day of its own, a principal's own days of grace",
        arguments: Driver.enabled)
    func aMonthWithEachNewInput(_ driver: Driver) throws {
        let folder = try TemporaryDirectory("erc-inputs")
        let erc = ERCRunner(folder: folder)
        let db = try Region.database(driver, in: folder)
        let fund = Region.capitalRepairINN
        try erc(["principals", "import", "--db", db.argument, try Region.files.get().capitalRepairTariffs])
        #expect(try erc(["bill", "--db", db.argument, "--period", Region.period]).status == 0)
        let connection = try db.connect()
        // Sewerage is the premises' cold and hot water added up, each line.
        let mismatched = try db.scalar(
            """
            SELECT COUNT(*) FROM statement_lines s WHERE s.period = '2026-10' AND s.service_code = 'SEW'
            AND s.volume_milli <> (SELECT COALESCE(SUM(w.volume_milli), 0) FROM statement_lines w
                                   WHERE w.period = s.period AND w.account_number = s.account_number
                                   AND w.service_code IN ('CW', 'HW'))
            """)
        #expect(mismatched == 0)
        #expect(
            try db.scalar("SELECT COUNT(*) FROM statement_lines WHERE service_code = 'SEW' AND method = 'water-sum'")
                > 900)
        // Both new privileges, each said with its terms.
        let area = try #require(
            try connection.first(
                """
                SELECT account_number, privilege_note, privileges FROM statement_lines
                WHERE period = '2026-10' AND service_code = 'KR' AND privilege_note IS NOT NULL ORDER BY 1
                """))
        #expect(try area.string(1).contains("в пределах соц. нормы 33,00 м²"))
        let fixed = try #require(
            try connection.first(
                """
                SELECT privilege_note, privileges FROM statement_lines
                WHERE period = '2026-10' AND service_code = 'DOM' AND privilege_note IS NOT NULL ORDER BY account_number
                """))
        #expect(try fixed.string(0).contains("30,00 в месяц") && fixed.int64(1) == 3_000)
        // The fund is due on the 20th: its block says so on the ЕПД; the shown principal says so too.
        let pdf = folder.file("epd.pdf")
        #expect(
            try erc([
                "receipts", "show", "--db", db.argument, "--account", try area.string(0), "--period", Region.period,
                "--out", pdf,
            ]).status == 0)
        let text = try ProcessRunner.run("pdftotext", [pdf, "-"]).stdout.split(whereSeparator: \.isWhitespace)
            .joined(separator: " ")
        #expect(text.contains("оплатить до 20.11.2026") && text.contains("Льготы, руб.:"), "\(text)")
        let shown = try erc(["principals", "show", "--db", db.argument, fund])
        #expect(shown.stdout.contains("due on the 20th of the next month"), "\(shown.stdout)")
        // A principal file giving the fund 60 days of grace: billed again, its penalties are fewer.
        let penalties = """
            SELECT COALESCE(SUM(p.amount), 0) FROM postings p JOIN principals pr ON pr.id = p.principal_id
            WHERE pr.inn = ? AND p.kind = 'penalty'
            """
        let before = try db.scalar(penalties, [fund])
        #expect(before > 0)
        let original = try String(contentsOfFile: try Region.files.get().file("principal-\(fund)"), encoding: .utf8)
        let graced = folder.file("principal-grace.xml")
        try original.replacingOccurrences(of: "<fileId>P-\(fund)-1</fileId>", with: "<fileId>P-\(fund)-2</fileId>")
            .replacingOccurrences(
                of: "</account>\n  </principal>", with: "</account>\n    <graceDays>60</graceDays>\n  </principal>"
            )
            .write(toFile: graced, atomically: true, encoding: .utf8)
        let imported = try erc(["principals", "import", "--db", db.argument, graced])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try erc(["principals", "show", "--db", db.argument, fund]).stdout.contains("from day 61"))
        #expect(try erc(["bill", "--db", db.argument, "--period", Region.period]).status == 0)
        let after = try db.scalar(penalties, [fund])
        #expect(after < before, "penalties \(before) before, \(after) after 60 days of grace")
        let check = try erc(["reconcile", "check", "--db", db.argument, "--period", Region.period])
        #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
    }
}
