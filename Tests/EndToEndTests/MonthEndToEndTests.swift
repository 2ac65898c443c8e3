import Core
import Demo
import ERCTestSupport
import Foundation
import Storage
import Testing

/// One month through the built `erc` binary, as an accountant runs it: principals' files in,
/// statements billed, ЕПД PDFs out, checked with pdftotext and zbarimg.
@Suite("A month end to end through the erc binary", .serialized)
struct MonthEndToEndTests {
    static let premises = 60

    func erc(_ arguments: [String], in folder: TemporaryDirectory) throws -> ProcessResult {
        try ProcessRunner.run(
            TestPaths.ercBinary, arguments, environment: ["ERC_DATABASE_URL": ""], currentDirectory: folder.path)
    }

    /// Runs the demo against `db` and checks the books and the documents; returns the statement
    /// totals per account.
    func runDemo(db: String, location: DatabaseLocation, folder: TemporaryDirectory) throws -> [String: Int64] {
        let out = folder.file("demo")
        let result = try erc(
            ["demo", "--premises", "\(Self.premises)", "--seed", "3", "--db", db, "--out", out], in: folder)
        #expect(result.status == 0, "erc demo failed: \(result.stderr)")
        #expect(result.stdout.contains("46 principals"))
        #expect(result.stdout.contains("Rendered \(Self.premises) ЕПД"))

        let connection = try location.connect()
        #expect(
            try connection.scalar("SELECT COUNT(*) FROM statements WHERE period = '2026-10'") == Int64(Self.premises))
        // The books balance: the statements' lines hold every charge of the period, and what the
        // statements ask for is the journal's balance, to the kopeck.
        let charged = try connection.scalar(
            "SELECT SUM(amount) FROM postings WHERE period = '2026-10' AND kind = 'charge'")
        let journal = try connection.scalar("SELECT SUM(amount) FROM postings WHERE period <= '2026-10'")
        let billed = try connection.scalar("SELECT SUM(total) FROM statements WHERE period = '2026-10'")
        let lines = try connection.scalar("SELECT SUM(amount) FROM statement_lines WHERE period = '2026-10'")
        let closing = try connection.scalar("SELECT SUM(closing) FROM statement_lines WHERE period = '2026-10'")
        #expect(charged > 0)
        #expect(charged == lines)
        #expect(billed == closing)
        #expect(billed == journal)
        var totals: [String: Int64] = [:]
        try connection.query("SELECT account_number, total FROM statements WHERE period = '2026-10'") { row in
            totals[try row.string(0)] = try row.int64(1)
        }
        let pdfs = try FileManager.default.contentsOfDirectory(atPath: "\(out)/epd/2026-10").filter {
            $0.hasSuffix(".pdf")
        }
        #expect(pdfs.count == Self.premises)

        for account in totals.keys.sorted().prefix(2) {
            let pdf = "\(out)/epd/2026-10/\(account).pdf"
            let total = max(Money(kopecks: totals[account]!), .zero)  // an advance asks for nothing
            let text = try ProcessRunner.run("pdftotext", ["-layout", pdf, "-"]).stdout
            #expect(text.contains(account))
            #expect(text.contains("\(total.formatted()) руб."))
            let png = folder.file("page-\(account)")
            #expect(try ProcessRunner.run("pdftoppm", ["-r", "300", "-png", "-singlefile", pdf, png]).status == 0)
            let scan = try ProcessRunner.run("zbarimg", ["--raw", "-q", "-Sbinary", png + ".png"])
            #expect(scan.status == 0, "no QR code decoded: \(scan.stderr)")
            let codes = try QRScan.payloads(Array(scan.stdoutData))
            let qr = try #require(codes.first { $0["PayeeINN"] == Center.demo.inn.value })
            // A principal paid to its own account (the demo's gas company) has a code of its own.
            #expect(codes.count == 1 + (text.contains("Газпром") ? 1 : 0))
            #expect(qr.sum == total)
            #expect(qr["PersAcc"] == account)
            #expect(qr["PaymPeriod"] == "102026")
        }
        return totals
    }

    @Test func demoOnSQLiteIsRepeatable() throws {
        let folder = try TemporaryDirectory("erc-e2e")
        let db = folder.file("erc.sqlite")
        let first = try runDemo(db: db, location: .sqlite(path: db), folder: folder)
        let somePDF = folder.file("demo/epd/2026-10/\(first.keys.sorted()[0]).pdf")
        let before = FileManager.default.contents(atPath: somePDF)

        // A second run re-imports the same files: nothing is stored twice, the same documents come out.
        let again = try erc(
            ["demo", "--premises", "\(Self.premises)", "--seed", "3", "--db", db, "--out", folder.file("demo")],
            in: folder)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("233 already imported before, unchanged"))
        #expect(again.stdout.contains("recorded before, not doubled"))
        #expect(again.stdout.contains("0 postings added"))
        let connection = try DatabaseLocation.sqlite(path: db).connect()
        #expect(try connection.scalar("SELECT COUNT(*) FROM import_files") == 233)
        var totals: [String: Int64] = [:]
        try connection.query("SELECT account_number, total FROM statements WHERE period = '2026-10'") { row in
            totals[try row.string(0)] = try row.int64(1)
        }
        #expect(totals == first)
        #expect(FileManager.default.contents(atPath: somePDF) == before, "a re-rendered ЕПД differs byte for byte")
    }

    @Test(.enabled(if: PostgresTestServer.isEnabled))
    func demoOnPostgreSQLBillsTheSameAsSQLite() throws {
        let database = try PostgresTestServer.createDatabase()
        let pgFolder = try TemporaryDirectory("erc-e2e-pg")
        let onPostgres = try runDemo(db: database.url, location: database.location, folder: pgFolder)
        let sqliteFolder = try TemporaryDirectory("erc-e2e")
        let db = sqliteFolder.file("erc.sqlite")
        let onSQLite = try runDemo(db: db, location: .sqlite(path: db), folder: sqliteFolder)
        #expect(onPostgres == onSQLite)
    }

    @Test func aBadFileIsRejectedWithEveryProblemAndStoresNothing() throws {
        let folder = try TemporaryDirectory("erc-e2e")
        let db = folder.file("erc.sqlite")
        #expect(try erc(["db", "migrate", "--db", db], in: folder).status == 0)
        let ok = try erc(
            [
                "principals", "import", "--db", db, TestPaths.fixture("principal-valid.xml"),
                TestPaths.fixture("accounts-valid.xml"),
            ],
            in: folder)
        #expect(ok.status == 0, "\(ok.stderr)")
        let connection = try DatabaseLocation.sqlite(path: db).connect()
        let before = try connection.scalar("SELECT COUNT(*) FROM postings")

        let bad = try erc(
            [
                "principals", "import", "--db", db, TestPaths.fixture("charges-total-mismatch.xml"),
                TestPaths.fixture("charges-unknown-account.xml"),
            ], in: folder)
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("charges-total-mismatch.xml:52: rowCount: says 7 rows, the file has 6"))
        #expect(bad.stderr.contains("charges-total-mismatch.xml:53: chargeTotal:"))
        #expect(bad.stderr.contains("charges-unknown-account.xml:24: account:"))
        #expect(bad.stderr.contains("2 of 2 files rejected."))
        #expect(try connection.scalar("SELECT COUNT(*) FROM postings") == before)
    }

    @Test func commandsAnswerAsDocumented() throws {
        let folder = try TemporaryDirectory("erc-e2e")
        let db = folder.file("erc.sqlite")
        let migrate = try erc(["db", "migrate", "--db", db], in: folder)
        #expect(migrate.status == 0)
        let versions = Schema.migrations.map { String($0.version) }.joined(separator: ", ")
        #expect(migrate.stdout.contains("Applied migrations \(versions)."))
        let status = try erc(["db", "status", "--db", db], in: folder)
        #expect(status.stdout.split(separator: "\n").filter { $0.contains("applied") }.count == Schema.migrations.count)
        let badPeriod = try erc(["bill", "--db", db, "--period", "2026-13"], in: folder)
        #expect(badPeriod.status == 64)
        #expect(badPeriod.stderr.contains("--period"))
        // With no --db and no ERC_DATABASE_URL, erc.sqlite in the working directory is used.
        let defaultDB = try erc(["db", "migrate"], in: folder)
        #expect(defaultDB.status == 0)
        #expect(FileManager.default.fileExists(atPath: folder.file("erc.sqlite")))
        #expect(try erc(["period", "list", "--db", db], in: folder).stdout.contains("No period is closed."))
        let unbilled = try erc(["period", "close", "--db", db, "--period", "2026-10"], in: folder)
        #expect(unbilled.status != 0)
        #expect(unbilled.stderr.contains("run erc bill --period 2026-10 first"))
        let help = try erc(["--help"], in: folder)
        for command in ["demo", "db", "principals", "payments", "bill", "period", "receipts", "reconcile", "erc-bench"]
        {
            #expect(help.stdout.contains(command))
        }
    }

    @Test("print batches in delivery order, with a manifest a print house can check page by page")
    func printBatches() throws {
        let folder = try TemporaryDirectory("erc-e2e")
        let db = folder.file("erc.sqlite")
        let demo = try erc(
            ["demo", "--premises", "40", "--seed", "4", "--db", db, "--out", folder.file("demo")], in: folder)
        #expect(demo.status == 0, "\(demo.stderr)")
        let out = folder.file("print")
        let render = try erc(
            ["receipts", "render", "--db", db, "--period", "2026-10", "--out", out, "--batch-size", "7"], in: folder)
        #expect(render.status == 0, "\(render.stderr)")
        // The customers who chose e-mail only (the demo's management companies know some) are left
        // out of the print run, and counted.
        let emailOnly = try DatabaseLocation.sqlite(path: db).connect().all(
            "SELECT account_number FROM delivery_consents WHERE delivery = 'email'"
        ).map { try $0.string(0) }
        let summary =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: "\(out)/manifest-summary.json"))) as? [String: Int]
        #expect(!emailOnly.isEmpty && summary?["leftOutForEmail"] == emailOnly.count, "\(String(describing: summary))")
        let printed = 40 - emailOnly.count
        #expect(render.stdout.contains("Rendered \(printed) ЕПД"), "\(render.stdout)")
        #expect(render.stdout.contains("in \((printed + 6) / 7) files"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(out)/manifest.csv"))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "the manifest starts with a UTF-8 byte-order mark")
        let csv = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(csv.hasPrefix("file;first_page;last_page;account;address;total"))
        let rows = csv.split(separator: "\r\n").dropFirst().map {
            $0.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        }
        #expect(rows.count == printed)
        #expect(Set(rows.map { $0[3] }).isDisjoint(with: emailOnly))
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/manifest.json")))
            as? [[String: Any]]
        #expect(json?.count == printed)
        // One file per premises into the same folder: everyone's, and the print run's batches gone.
        let copy = folder.file("print-copy")
        try FileManager.default.copyItem(atPath: out, toPath: copy)
        let single = try erc(
            ["receipts", "render", "--db", db, "--period", "2026-10", "--out", copy, "--per-premises"], in: folder)
        #expect(single.status == 0, "\(single.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: copy).filter { $0.hasSuffix(".pdf") }
        #expect(left.count == 40 && !left.contains { $0.hasPrefix("epd-") }, "\(left.sorted().prefix(3))")
        // Delivery order: postal codes never go back within the run.
        let postal = rows.map { String($0[4].dropFirst().prefix(6)) }
        #expect(postal == postal.sorted())
        let connection = try DatabaseLocation.sqlite(path: db).connect()
        for row in rows.prefix(9) {
            let (file, first, last, account) = (row[0], row[1], row[2], row[3])
            let total = try connection.scalar(
                "SELECT total FROM statements WHERE period = '2026-10' AND account_number = ?", [account])
            let text = try ProcessRunner.run("pdftotext", ["-layout", "-f", first, "-l", last, "\(out)/\(file)", "-"])
                .stdout
            #expect(text.contains("Лицевой счёт: \(account)"))
            #expect(text.contains(Money(kopecks: max(total, 0)).formatted()))
            #expect(row[5] == Money(kopecks: max(total, 0)).formatted(groupSeparator: ""))
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".pdf") }.sorted()
        #expect(files == (1...6).map { "epd-2026-10-0000\($0).pdf" })
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).allSatisfy { !$0.hasSuffix(".part") })

        // Again with bigger batches into the same folder: the earlier run's later files go, so
        // no document is in the folder twice beside the new manifest.
        let again = try erc(
            ["receipts", "render", "--db", db, "--period", "2026-10", "--out", out, "--batch-size", "20"], in: folder)
        #expect(again.status == 0, "\(again.stderr)")
        let rerendered = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".pdf") }
        #expect(rerendered.sorted() == ["epd-2026-10-00001.pdf", "epd-2026-10-00002.pdf"])
    }

    @Test("a print run that cannot write says where and why (exit 73), and leaves none of its files")
    func printRunThatCannotWrite() throws {
        let folder = try TemporaryDirectory("erc-e2e")
        let db = folder.file("erc.sqlite")
        let demo = try erc(
            ["demo", "--premises", "30", "--seed", "4", "--db", db, "--out", folder.file("demo"), "--no-render"],
            in: folder)
        #expect(demo.status == 0, "\(demo.stderr)")
        // The output is a file.
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder.file("a-file")))
        let onFile = try erc(
            ["receipts", "render", "--db", db, "--period", "2026-10", "--out", folder.file("a-file")], in: folder)
        #expect(onFile.status == 73, "\(onFile.stderr)")
        #expect(onFile.stderr.contains("cannot write into \(folder.file("a-file")): it is a file, not a folder"))
        // The third batch's name is taken by a folder: the run fails there, and the batches it
        // finished go too.
        let out = folder.file("print")
        try FileManager.default.createDirectory(
            atPath: "\(out)/epd-2026-10-00003.pdf", withIntermediateDirectories: true)
        let blocked = try erc(
            ["receipts", "render", "--db", db, "--period", "2026-10", "--out", out, "--batch-size", "10"], in: folder)
        #expect(blocked.status == 73, "\(blocked.stderr)")
        #expect(blocked.stderr.contains("epd-2026-10-00003.pdf"), "\(blocked.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(left == ["epd-2026-10-00003.pdf"], "\(left)")
    }

    @Test("the accountants' reports on a demo region, and check catching a corrupted posting")
    func reconciliationReports() throws {
        let folder = try TemporaryDirectory("erc-e2e")
        let db = folder.file("erc.sqlite")
        #expect(
            try erc(
                ["demo", "--premises", "40", "--seed", "6", "--db", db, "--out", folder.file("demo"), "--no-render"],
                in: folder
            ).status == 0)
        let check = try erc(["reconcile", "check", "--db", db, "--period", "2026-10"], in: folder)
        #expect(check.status == 0, "\(check.stderr)")
        let payouts = try erc(["reconcile", "payouts", "--db", db, "--period", "2026-10"], in: folder)
        #expect(payouts.status == 0 && payouts.stdout.contains("Payouts + fees = money taken"))
        let turnover = try erc(
            [
                "reconcile", "turnover", "--db", db, "--period", "2026-10", "--by", "house", "--format", "csv",
                "--separator", "semicolon", "--bom",
            ],
            in: folder)
        #expect(
            turnover.stdout.hasPrefix("\u{FEFF}house;Opening;Charged;Recalculated;Privileges;Penalties;Paid;Closing"))
        let debtors = try erc(["reconcile", "debtors", "--db", db, "--period", "2026-10", "--aging"], in: folder)
        #expect(debtors.status == 0 && debtors.stdout.contains("Over 180") && debtors.stdout.contains("debtors, debt"))
        // The CSV, written line by line as it is read, has the same debtors as the table.
        let counted = debtors.stdout.split(separator: "\n").last { $0.contains("debtors, debt") }.flatMap {
            Int($0.prefix { $0.isNumber })
        }
        let csvDebtors = try erc(
            [
                "reconcile", "debtors", "--db", db, "--period", "2026-10", "--aging", "--format", "csv", "--separator",
                "semicolon", "--bom",
            ],
            in: folder)
        #expect(
            csvDebtors.stdout.hasPrefix(
                "\u{FEFF}Account;Owner;Owned until;Address;Principal;Oldest;Debt;Penalties;Not due"))
        #expect(counted != nil && csvDebtors.stdout.split(separator: "\n").count == counted! + 1)
        let xml = folder.file("agent.xml")
        let agent = try erc(
            [
                "reconcile", "agent-report", "--db", db, "--period", "2026-10", "--principal", "7451000006", "--xml",
                xml,
            ], in: folder)
        #expect(agent.status == 0, "\(agent.stderr)")
        #expect(
            try ProcessRunner.run("xmllint", ["--noout", "--schema", TestPaths.schema("agent-report-1.xsd"), xml])
                .status == 0)
        let act = try erc(
            [
                "reconcile", "act", "--db", db, "--principal", "7451000006", "--from", "2026-01-01", "--to",
                "2026-12-31",
            ], in: folder)
        #expect(act.status == 0 && act.stdout.contains("balance at 31.12.2026"))
        // A posting changed after billing: the statement no longer matches, and check names it.
        let connection = try DatabaseLocation.sqlite(path: db).connect()
        let victim = try #require(
            try connection.first("SELECT id, account_number FROM postings WHERE kind = 'charge' ORDER BY id"))
        try connection.execute("UPDATE postings SET amount = amount + 100 WHERE id = ?", [try victim.int64(0)])
        let broken = try erc(["reconcile", "check", "--db", db, "--period", "2026-10"], in: folder)
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("account \(try victim.string(1)): the statement asks for"))
        #expect(broken.stderr.contains("(difference 1,00)"))
    }

    @Test("the houses' common property (СОИ) as billed: each kind of house, the negative volume carried forward")
    func housesCommonProperty() throws {
        let folder = try TemporaryDirectory("erc-houses")
        let db = folder.file("erc.sqlite")
        let demo = try erc(
            ["demo", "--premises", "400", "--seed", "2", "--db", db, "--out", folder.file("demo"), "--no-render"],
            in: folder)
        #expect(demo.status == 0, "\(demo.stderr)")
        let connection = try DatabaseLocation.sqlite(path: db).connect()
        // What the period's run recorded per house adds up to
        // the СОИ lines billed; a house whose premises used more than its meter shows carries the
        // negative volume forward; a period not billed is refused.
        let houses = try erc(["houses", "common", "--db", db, "--period", "2026-10", "--format", "json"], in: folder)
        #expect(houses.status == 0, "\(houses.stderr)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(houses.stdout.utf8)) as? [String: Any])
        let rows = try #require(report["rows"] as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["method"] as? String }) == ["norm", "meter", "average"])
        let recorded = rows.compactMap { $0["billedCommonMilli"] as? Int }.reduce(0, +)
        let lined = try connection.scalar(
            """
            SELECT SUM(l.volume_milli) FROM statement_lines l
            JOIN services s ON s.principal_id = l.principal_id AND s.code = l.service_code
            WHERE l.period = '2026-10' AND s.calculation = 'common-property'
            """)
        #expect(Int64(recorded) == lined && lined > 0)
        #expect(!((report["carriedForward"] as? [Any]) ?? []).isEmpty)
        let unbilled = try erc(["houses", "common", "--db", db, "--period", "2026-11"], in: folder)
        #expect(unbilled.status == 65 && unbilled.stderr.contains("erc bill --period 2026-11"))
    }

    @Test func showRendersTheInfomatCopyOfOneAccount() throws {
        let folder = try TemporaryDirectory("erc-e2e")
        let db = folder.file("erc.sqlite")
        #expect(try erc(["db", "migrate", "--db", db], in: folder).status == 0)
        for file in ["principal-valid.xml", "accounts-valid.xml", "charges-valid.xml"] {
            #expect(try erc(["principals", "import", "--db", db, TestPaths.fixture(file)], in: folder).status == 0)
        }
        let bill = try erc(["bill", "--db", db, "--period", "2026-10"], in: folder)
        // Three premises: 1 715,77 charged, 1 199,50 carried in, -21,45 recalculated.
        #expect(bill.stdout.contains("3 statements, 6 lines, to pay 2 893,82 руб."))
        let out = folder.file("one.pdf")
        let arguments = [
            "receipts", "show", "--db", db, "--account", "7400000003", "--period", "2026-10", "--out", out,
        ]
        // No ЕПД without the center's own requisites: the message names the command to run.
        let unset = try erc(arguments, in: folder)
        #expect(unset.status == 78 && unset.stderr.contains("erc center set"), "\(unset.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let center = try erc(["center", "import", "--db", db, TestPaths.fixture("center-valid.xml")], in: folder)
        #expect(center.status == 0, "\(center.stderr)")
        let show = try erc(arguments, in: folder)
        #expect(show.status == 0, "\(show.stderr)")
        let text = try ProcessRunner.run("pdftotext", ["-layout", out, "-"]).stdout
        #expect(text.contains("7400000003"))
        #expect(text.contains("Сидоров Пётр Алексеевич"))
        #expect(text.contains("600,80"))  // 14.008 m³ x 42.89 = 600.8031
        let missing = try erc(
            ["receipts", "show", "--db", db, "--account", "7400000009", "--period", "2026-10"], in: folder)
        #expect(missing.status == 1)
    }
}
