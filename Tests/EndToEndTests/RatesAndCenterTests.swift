import Core
import ERCTestSupport
import Foundation
import Storage
import Testing

/// The center's own settings and the legal rates as data, through the built `erc`: a rate change
/// recalculates the penalties already posted, to the kopeck, with its reason on the ЕПД; the
/// center's requisites are refused when wrong, required before a ЕПД is rendered, and dated.
@Suite("The center's settings and the rates as dated data", .serialized)
struct RatesAndCenterTests {
    static let period = Region.period

    /// The day payment for `period` falls due, by hand: the 10th of the next month, the 15th from
    /// the February 2026 period on, moved off a Saturday or Sunday (no holiday falls on either
    /// day in 2025-2026).
    static func dueDate(_ period: BillingPeriod) -> CalendarDate {
        var day = period.next.day(period >= BillingPeriod("2026-02")! ? 15 : 10)
        while day.weekday >= 6 { day = day.adding(days: 1) }
        return day
    }

    /// A penalty by hand: `debt` kopecks at `basisPoints` from day 31 after `due` through `asOf`
    /// (1/300 to day 90, 1/130 after), rounded half up.
    static func penalty(debt: Int64, basisPoints: Int64, due: CalendarDate, asOf: CalendarDate) -> Int64 {
        let days = Int64(due.days(until: asOf))
        let weights = 13 * max(0, min(days, 90) - 30) + 30 * max(0, days - 90)
        let numerator = debt * basisPoints * weights
        return (numerator * 2 + 39_000_000) / (2 * 39_000_000)
    }

    @Test(
        "a key rate corrected below the cap: the next bill posts the difference of the posted penalties, with its reason, on the ЕПД",
        arguments: Driver.enabled)
    func rateChangeRecalculatesPenalties(_ driver: Driver) throws {
        let folder = try TemporaryDirectory("erc-rates")
        let erc = ERCRunner(folder: folder)
        let db = try Region.database(driver, in: folder)
        try erc(["principals", "import", "--db", db.argument, try Region.files.get().capitalRepairTariffs])
        #expect(try erc(["bill", "--db", db.argument, "--period", Self.period]).status == 0)
        // A line whose only debt before October is one balance carried in, never paid, of a
        // utility (1/300 then 1/130).
        let connection = try db.connect()
        let line = try #require(
            try connection.first(
                """
                SELECT p.account_number, p.principal_id, p.service_code, p.for_period, p.amount FROM postings p
                JOIN principals pr ON pr.id = p.principal_id
                WHERE p.kind = 'opening' AND p.amount > 0 AND p.for_period IS NOT NULL AND pr.kind <> 'capital-repair'
                  AND NOT EXISTS (
                    SELECT 1 FROM postings q WHERE q.account_number = p.account_number
                      AND q.principal_id = p.principal_id AND q.service_code = p.service_code
                      AND (q.kind = 'payment' OR (q.kind <> 'penalty' AND q.period < '2026-10') OR q.id <> p.id
                           AND q.kind = 'opening'))
                  AND (SELECT COUNT(*) FROM postings q WHERE q.account_number = p.account_number
                      AND q.principal_id = p.principal_id AND q.service_code = p.service_code AND q.kind = 'penalty') = 1
                ORDER BY p.account_number, p.principal_id, p.service_code
                """))
        let account = try line.string(0)
        let key: [any SQLBindable] = [account, try line.int64(1), try line.string(2)]
        let since = try line.period(3)
        let debt = try line.int64(4)
        let due = Self.dueDate(since)
        let october = CalendarDate(iso: "2026-11-01")!
        let posted = try connection.scalar(
            "SELECT SUM(amount) FROM postings WHERE account_number = ? AND principal_id = ? AND service_code = ? AND kind = 'penalty'",
            key)
        // What October posted is the hand figure at 9.5 %.
        #expect(
            posted == Self.penalty(debt: debt, basisPoints: 950, due: due, asOf: october), "\(account) since \(since)")

        let imported = try erc(["rates", "import", "--db", db.argument, TestPaths.fixture("rates-key-rate-cut.xml")])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("Rates revision 2 in force"), "\(imported.stdout)")
        let november = "2026-11"
        #expect(try erc(["bill", "--db", db.argument, "--period", november]).status == 0)
        let after = try db.connect()
        func postings() throws -> [(amount: Int64, forPeriod: String?, note: String?)] {
            try after.all(
                """
                SELECT amount, for_period, note FROM postings WHERE account_number = ? AND principal_id = ?
                  AND service_code = ? AND kind = 'penalty' AND period = '2026-11' ORDER BY id
                """, key
            ).map { (try $0.int64(0), try $0.optionalString(1), try $0.optionalString(2)) }
        }
        let november1 = try postings()
        let recalculation = try #require(november1.first { $0.forPeriod == "2026-10" })
        // By hand: the penalty as of 01.11.2026 at 9 % less the one at 9.5 %.
        let atNine = Self.penalty(debt: debt, basisPoints: 900, due: due, asOf: october)
        #expect(recalculation.amount == atNine - posted)
        #expect(recalculation.amount < 0)
        let reason = try #require(recalculation.note)
        #expect(
            reason.contains(
                "ключевая ставка с 27.07.2026 изменена с 14 % на 9 % (Решение Совета директоров Банка России от 24.07.2026"
            ),
            "\(reason)")
        // The month's own accrual stays apart: what 9 % adds from 01.11 to 01.12.2026.
        let accrual = try #require(november1.first { $0.forPeriod == nil })
        let december = CalendarDate(iso: "2026-12-01")!
        #expect(accrual.amount == Self.penalty(debt: debt, basisPoints: 900, due: due, asOf: december) - atNine)

        // Billing again posts nothing; the books balance.
        let count = try db.scalar("SELECT COUNT(*) FROM postings")
        #expect(try erc(["bill", "--db", db.argument, "--period", november]).status == 0)
        #expect(try db.scalar("SELECT COUNT(*) FROM postings") == count)
        let check = try erc(["reconcile", "check", "--db", db.argument, "--period", november])
        #expect(check.status == 0, "\(check.stdout) \(check.stderr)")

        // The ЕПД explains it, and shows the principal's debt and penalties apart.
        let pdf = folder.file("epd.pdf")
        let shown = try erc([
            "receipts", "show", "--db", db.argument, "--account", account, "--period", november, "--out", pdf,
        ])
        #expect(shown.status == 0, "\(shown.stderr)")
        let text = try ProcessRunner.run("pdftotext", [pdf, "-"]).stdout.replacingOccurrences(of: "\n", with: " ")
        #expect(text.contains("Перерасчёты, руб.: Перерасчёт пени на 01.11.2026"), "\(text)")
        #expect(text.contains("ключевая ставка с 27.07.2026 изменена с 14 % на 9 %"), "\(text)")
        #expect(text.contains("(пени) " + Money(kopecks: recalculation.amount).formatted()))
        #expect(text.contains("Долг на начало"))
        #expect(reason.hasSuffix("; ставка для пени на 01.11.2026 была 9,5 %, стала 9 %"), "\(reason)")

        // The rate restored: the next run reverses the recalculation under its own reason, and the
        // document lists none.
        let restore = folder.file("restore.xml")
        try Self.ratesFile(
            id: "R-RESTORE", rows: [("key-rate", "2026-07-27", nil, 1_400, "Решение от 24.07.2026")], withdrawals: []
        )
        .write(toFile: restore, atomically: true, encoding: .utf8)
        #expect(try erc(["rates", "import", "--db", db.argument, restore]).status == 0)
        #expect(try erc(["bill", "--db", db.argument, "--period", november]).status == 0)
        let net = try db.scalar(
            """
            SELECT SUM(amount) FROM postings WHERE account_number = ? AND principal_id = ? AND service_code = ?
              AND kind = 'penalty' AND for_period = '2026-10'
            """, key)
        #expect(net == 0)
        #expect(
            try erc(["receipts", "show", "--db", db.argument, "--account", account, "--period", november, "--out", pdf])
                .status == 0)
        let restored = try ProcessRunner.run("pdftotext", [pdf, "-"]).stdout
        #expect(!restored.contains("Перерасчёт пени"))
    }

    /// A rates file of `rows` (kind, from, through, value, basis) and withdrawals (kind, from).
    static func ratesFile(
        id: String, rows: [(String, String, String?, Int?, String)], withdrawals: [(String, String)]
    ) -> String {
        var text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ratesFile xmlns="urn:erc:exchange:1">
              <header><centerInn>7453000019</centerInn><fileId>\(id)</fileId><createdAt>2026-11-30T09:00:00+05:00</createdAt></header>

            """
        for (kind, from, through, value, basis) in rows {
            text += "  <rate><kind>\(kind)</kind><from>\(from)</from>"
            if let through { text += "<through>\(through)</through>" }
            if let value { text += "<value>\(value)</value>" }
            text += "<basis>\(basis)</basis></rate>\n"
        }
        for (kind, from) in withdrawals {
            text += "  <withdraw><kind>\(kind)</kind><from>\(from)</from></withdraw>\n"
        }
        return text + "  <footer><rateCount>\(rows.count)</rateCount></footer>\n</ratesFile>\n"
    }

    @Test("rates files are checked row by row, all or nothing, and listed by revision", arguments: Driver.enabled)
    func ratesFiles(_ driver: Driver) throws {
        let folder = try TemporaryDirectory("erc-rates-files")
        let erc = ERCRunner(folder: folder)
        let db = try Region.database(driver, in: folder)
        let rows = try db.scalar("SELECT COUNT(*) FROM legal_rates")
        let bad = try erc(["rates", "import", "--db", db.argument, TestPaths.fixture("rates-bad.xml")])
        #expect(bad.status == 65)
        for expected in [
            "rates-bad.xml:8:", "needs a value", "rates-bad.xml:16:", "is before from", "rates-bad.xml:21:",
            "first day of its month", "needs through", "duplicate", "no moratorium row from 2025-01-01",
            "says 4 rates, the file has 5",
        ] {
            #expect(bad.stderr.contains(expected), "\(expected): \(bad.stderr)")
        }
        #expect(try db.scalar("SELECT COUNT(*) FROM legal_rates") == rows)
        #expect(try db.scalar("SELECT MAX(revision) FROM rate_revisions") == 1)
        // A principal's importer refuses the center's files, and the other way round.
        let wrong = try erc(["principals", "import", "--db", db.argument, TestPaths.fixture("rates-key-rate-cut.xml")])
        #expect(wrong.status == 65 && wrong.stderr.contains("erc rates import"), "\(wrong.stderr)")
        let list = try erc(["rates", "list", "--db", db.argument, "--kind", "rate-cap"])
        #expect(list.stdout.contains("rate-cap\t2022-02-28\t2026-12-31\t950\tПП РФ 26.03.2022 № 474"), "\(list.stdout)")
        #expect(
            try erc(["rates", "import", "--db", db.argument, TestPaths.fixture("rates-key-rate-cut.xml")]).status == 0)
        let again = try erc(["rates", "import", "--db", db.argument, TestPaths.fixture("rates-key-rate-cut.xml")])
        #expect(again.stdout.contains("already imported"))
        let keyRates = try erc(["rates", "list", "--db", db.argument, "--kind", "key-rate"]).stdout
        #expect(keyRates.contains("key-rate\t2026-07-27\t\t900\t"), "\(keyRates)")
        let earlier = try erc(["rates", "list", "--db", db.argument, "--kind", "key-rate", "--revision", "1"]).stdout
        #expect(earlier.contains("key-rate\t2026-07-27\t\t1400\t"), "\(earlier)")
        let revisions = try erc(["rates", "list", "--db", db.argument, "--revisions"]).stdout
        #expect(revisions.contains("rates-key-rate-cut.xml (id R-2026-EXAMPLE-1)"), "\(revisions)")
        // Rows that would leave a calculation without its rates, or two caps on one day: refused.
        let keyRateDays = try db.connect().all(
            "SELECT from_day FROM legal_rates WHERE kind = 'key-rate' AND retired_in IS NULL"
        ).map { try $0.string(0) }
        let cases: [(String, String, [(String, String, String?, Int?, String)], [(String, String)])] = [
            ("all-key-rates", "would leave no key-rate row in force", [], keyRateDays.map { ("key-rate", $0) }),
            (
                "due-days", "would leave no due-day row in force", [],
                [("due-day", "2000-01-01"), ("due-day", "2026-02-01")]
            ),
            (
                "overlap", "overlaps the one 2022-02-28...2026-12-31",
                [("rate-cap", "2026-06-01", "2027-06-30", 800, "test")], []
            ),
            ("zero", "0 is outside 1...5000 for key-rate", [("key-rate", "2026-12-21", nil, 0, "test")], []),
        ]
        for (id, reason, rows, withdrawals) in cases {
            let path = folder.file("\(id).xml")
            try Self.ratesFile(id: id, rows: rows, withdrawals: withdrawals).write(
                toFile: path, atomically: true, encoding: .utf8)
            let refused = try erc(["rates", "import", "--db", db.argument, path])
            #expect(refused.status == 65 && refused.stderr.contains(reason), "\(id): \(refused.stderr)")
        }
        #expect(try db.scalar("SELECT MAX(revision) FROM rate_revisions") == 2)
        let usage = try erc(["rates", "list", "--db", db.argument, "--kind", "interest"])
        #expect(usage.status == 64 && usage.stderr.contains("--kind"), "\(usage.stderr)")
    }

    @Test(
        "the center's requisites: required for a ЕПД, checked by name, dated, in the QR code", arguments: Driver.enabled
    )
    func centerRequisites(_ driver: Driver) throws {
        let folder = try TemporaryDirectory("erc-center")
        let erc = ERCRunner(folder: folder)
        let db = try Region.database(driver, in: folder)
        try erc(["principals", "import", "--db", db.argument, try Region.files.get().capitalRepairTariffs])
        #expect(try erc(["bill", "--db", db.argument, "--period", Self.period]).status == 0)
        // A database without the center's requisites renders nothing and says what to run.
        do {
            let connection = try db.connect()
            try connection.execute("DELETE FROM center_settings")
            try connection.execute("DELETE FROM settings_files")
        }
        let out = folder.file("print")
        let refused = try erc(["receipts", "render", "--db", db.argument, "--period", Self.period, "--out", out])
        #expect(refused.status == 78)
        #expect(refused.stderr.contains("erc center set"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try erc(["center", "show", "--db", db.argument]).status == 78)

        // A wrong file is refused whole, every requisite named with its line.
        let bad = try erc(["center", "import", "--db", db.argument, TestPaths.fixture("center-bad-requisites.xml")])
        #expect(bad.status == 65)
        for expected in [":11: inn", ":13: ogrn", ":16: email", ":21: account", ":26: effectiveFrom"] {
            #expect(bad.stderr.contains(expected), "\(expected): \(bad.stderr)")
        }
        #expect(try db.scalar("SELECT COUNT(*) FROM center_settings") == 0)
        // The options, checked the same way, each named.
        let wrong = try erc([
            "center", "set", "--db", db.argument, "--from", "2026-01-01", "--name", "ЕРЦ", "--inn", "7453000018",
        ])
        #expect(wrong.status == 64)
        #expect(wrong.stderr.contains("--inn:") && wrong.stderr.contains("--bic:"), "\(wrong.stderr)")
        #expect(try erc(["center", "import", "--db", db.argument, TestPaths.fixture("center-valid.xml")]).status == 0)
        // What a payment code or the ЕПД's font cannot carry is refused by name.
        for (option, value, reason) in [
            ("--name", String(repeating: "А", count: 161), "more than 160"),
            ("--name", "АО ЕРЦ 😀", "cannot carry"), ("--phone", "200\n300", "control character"),
            ("--ogrn", "304500116000157", "13 digits"),
            ("--bank-name", String(repeating: "Б", count: 46), "more than 45"),
        ] {
            let refused = try erc(["center", "set", "--db", db.argument, "--from", "2026-11-01", option, value])
            #expect(refused.status == 64 && refused.stderr.contains(reason), "\(option): \(refused.stderr)")
        }
        #expect(try db.scalar("SELECT COUNT(*) FROM center_settings") == 1)
        // A new account from 01.11.2026: October's ЕПД, delivered in November, pay to it.
        let bic = try BIC("047501602")
        let newAccount = try #require(BankAccount.withKey("40702810072000000077", bic: bic)).value
        let changed = try erc([
            "center", "set", "--db", db.argument, "--from", "2026-11-01", "--account", newAccount,
        ])
        #expect(changed.status == 0, "\(changed.stderr)")
        let shown = try erc(["center", "show", "--db", db.argument, "--on", "2026-11-15"])
        #expect(shown.stdout.contains("From 2026-11-01 (erc center set"), "\(shown.stdout)")
        #expect(shown.stdout.contains(newAccount))
        #expect(shown.stdout.contains("OGRN:        1027400000011"))
        let history = try erc(["center", "show", "--db", db.argument, "--history"]).stdout
        #expect(history.contains("From 2026-01-01") && history.contains("From 2026-11-01"))

        let rendered = try erc([
            "receipts", "render", "--db", db.argument, "--period", Self.period, "--out", out, "--batch-size", "400",
        ])
        #expect(rendered.status == 0, "\(rendered.stderr)")
        let png = folder.file("page")
        #expect(
            try ProcessRunner.run(
                "pdftoppm", ["-r", "300", "-png", "-singlefile", "\(out)/epd-\(Self.period)-00001.pdf", png]
            ).status == 0)
        let scan = try ProcessRunner.run("zbarimg", ["--raw", "-q", "-Sbinary", png + ".png"])
        let codes = try QRScan.payloads(Array(scan.stdoutData))
        let whole = try #require(codes.first { $0["PayeeINN"] == "7453000019" })
        #expect(whole["PersonalAcc"] == newAccount)
        // Print batches are ST00011 (CP1251) by default.
        #expect(whole.charset == .cp1251)
        let text = try ProcessRunner.run("pdftotext", ["-l", "1", "\(out)/epd-\(Self.period)-00001.pdf", "-"]).stdout
        #expect(text.contains("ОГРН 1027400000011"))
    }
}
