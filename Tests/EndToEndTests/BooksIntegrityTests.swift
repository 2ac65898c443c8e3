import Core
import ERCTestSupport
import Foundation
import Storage
import Testing

/// The mistakes an operator under pressure makes, through the built `erc` on both drivers: two
/// runs at once, a run killed and the period closed anyway, a period that cannot be billed, a
/// tariff file forgotten, a file sent again under a new id, a principal's reading that no
/// channel would take. None of them may put wrong money in the books.
@Suite("The books cannot be corrupted by an operator's mistake", .serialized)
struct BooksIntegrityTests {
    static let period = Region.period

    /// The run's postings: how many and their sum, to compare a journal with one run's.
    func runPostings(_ db: TestDB) throws -> [Int64] {
        let connection = try db.connect()
        let row = try #require(
            try connection.first(
                "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM postings WHERE run_id IS NOT NULL"))
        return [try row.int64(0), try row.int64(1)]
    }

    @Test("two erc bill at once post what one run posts", arguments: Driver.enabled)
    func twoRunsAtOncePostOnce(_ driver: Driver) throws {
        let folder = try TemporaryDirectory("erc-race")
        let erc = ERCRunner(folder: folder)
        let files = try Region.files.get()
        // The same region billed once, alone: what the journal must hold.
        let aloneFolder = try TemporaryDirectory("erc-race-alone")
        let alone = try Region.database(driver, in: aloneFolder)
        try erc(["principals", "import", "--db", alone.argument, files.capitalRepairTariffs])
        #expect(try erc(["bill", "--db", alone.argument, "--period", Self.period]).status == 0)
        let once = try runPostings(alone)
        #expect(once[0] > 1_000)

        let db = try Region.database(driver, in: folder)
        try erc(["principals", "import", "--db", db.argument, files.capitalRepairTariffs])
        let arguments = ["bill", "--db", db.argument, "--period", Self.period, "--batch-size", "5"]
        for _ in 0..<2 {
            let first = try erc.start(arguments)
            let second = try erc.start(arguments)
            first.waitUntilExit()
            second.waitUntilExit()
            let statuses = [first.terminationStatus, second.terminationStatus]
            #expect(statuses.contains(0))
            // The other one either came after (and added nothing) or was refused (75).
            #expect(statuses.allSatisfy { $0 == 0 || $0 == 75 }, "\(statuses)")
            #expect(try runPostings(db) == once)
        }
        let check = try erc(["reconcile", "check", "--db", db.argument, "--period", Self.period])
        #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
        #expect(try erc(["period", "close", "--db", db.argument, "--period", Self.period]).status == 0)
    }

    @Test(
        "a run in progress is named, refuses billing, closing, checking and printing, and can be waited for",
        arguments: Driver.enabled)
    func aRunInProgressIsNamed(_ driver: Driver) throws {
        let folder = try TemporaryDirectory("erc-busy")
        let erc = ERCRunner(folder: folder)
        let db = try Region.database(driver, in: folder)
        try erc(["principals", "import", "--db", db.argument, try Region.files.get().capitalRepairTariffs])
        #expect(try erc(["bill", "--db", db.argument, "--period", Self.period]).status == 0)
        // Another process bills: this test holds the lock as a run would.
        let holder = RunLock.Holder(
            who: "erc bill --period 2026-10 (pid 4242 on test-host)", since: "2026-11-30T09:15:00+05:00")
        if driver == .postgres {
            // A run in another database of the same server is not this database's.
            let other = try PostgresTestServer.createDatabase()
            let foreign = try #require(try RunLock.acquire("billing", at: other.location, holder: holder))
            let check = try erc(["reconcile", "check", "--db", db.argument, "--period", Self.period])
            #expect(check.status == 0, "another database's run blocked this one: \(check.stderr)")
            foreign.release()
        }
        var lock = try #require(try RunLock.acquire("billing", at: db.location, holder: holder))
        let bill = try erc(["bill", "--db", db.argument, "--period", Self.period])
        #expect(bill.status == 75)
        #expect(bill.stderr.contains("pid 4242 on test-host"), "\(bill.stderr)")
        #expect(driver == .postgres || bill.stderr.contains("since 2026-11-30T09:15:00+05:00"))
        if driver == .sqlite {
            // The same database by another name finds the same lock.
            let alias = folder.file("alias.sqlite")
            try FileManager.default.createSymbolicLink(atPath: alias, withDestinationPath: db.argument)
            for name in [alias, "file:" + db.argument] {
                let aliased = try erc(["bill", "--db", name, "--period", Self.period])
                #expect(aliased.status == 75 && aliased.stderr.contains("pid 4242"), "\(name): \(aliased.stderr)")
            }
        }
        let close = try erc(["period", "close", "--db", db.argument, "--period", Self.period])
        #expect(close.status == 75 && close.stderr.contains("pid 4242"), "\(close.stderr)")
        let check = try erc(["reconcile", "check", "--db", db.argument, "--period", Self.period])
        #expect(check.status == 1 && check.stderr.contains("another process is billing"), "\(check.stderr)")
        let render = try erc([
            "receipts", "render", "--db", db.argument, "--period", Self.period, "--out", folder.file("epd"),
        ])
        #expect(render.status == 65 && render.stderr.contains("another process is billing"), "\(render.stderr)")
        #expect(try db.scalar("SELECT COUNT(*) FROM closed_periods") == 0)

        // --wait waits for the lock, then bills (and adds nothing: the period is billed).
        let waiting = try erc.start(["bill", "--db", db.argument, "--period", Self.period, "--wait"])
        Thread.sleep(forTimeInterval: 1.5)
        #expect(waiting.isRunning, "erc bill --wait did not wait")
        lock.release()
        lock = try #require(try RunLock.acquire("other", at: db.location, holder: holder))
        waiting.waitUntilExit()
        #expect(waiting.terminationStatus == 0)
        #expect(try db.scalar("SELECT COUNT(*) FROM billing_runs") == 2)
    }

    @Test(
        "a killed run leaves the period unclosable, unchecked and unprinted until billing finishes it",
        arguments: Driver.enabled)
    func aKilledRunIsNotClosable(_ driver: Driver) throws {
        let folder = try TemporaryDirectory("erc-killed")
        let erc = ERCRunner(folder: folder)
        let db = try Region.database(driver, in: folder)
        try erc(["principals", "import", "--db", db.argument, try Region.files.get().capitalRepairTariffs])
        let run = try erc.start([
            "bill", "--db", db.argument, "--period", Self.period, "--batch-size", "2", "--workers", "1",
        ])
        let watcher = try db.connect()
        let deadline = Date().addingTimeInterval(60)
        var done: Int64 = 0
        while done < 10 && Date() < deadline && run.isRunning {
            done = (try? watcher.scalar("SELECT COUNT(*) FROM billing_batches WHERE status = 'done'")) ?? 0
            usleep(2_000)
        }
        kill(run.processIdentifier, SIGKILL)
        run.waitUntilExit()
        #expect(run.terminationReason == .uncaughtSignal, "the run finished before it could be killed")
        let statements = try watcher.scalar("SELECT COUNT(*) FROM statements")
        #expect(statements > 0 && statements < Int64(Region.premises))

        let check = try erc(["reconcile", "check", "--db", db.argument, "--period", Self.period])
        #expect(check.status == 1)
        #expect(check.stderr.contains("is unfinished"), "\(check.stderr)")
        let close = try erc(["period", "close", "--db", db.argument, "--period", Self.period])
        #expect(close.status == 65 && close.stderr.contains("is unfinished"), "\(close.stderr)")
        #expect(try watcher.scalar("SELECT COUNT(*) FROM closed_periods") == 0)
        let render = try erc([
            "receipts", "render", "--db", db.argument, "--period", Self.period, "--out", folder.file("epd"),
        ])
        #expect(render.status == 65 && render.stderr.contains("is unfinished"), "\(render.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("epd")), "a refused print run makes no folder")

        // Billing again resumes the killed run: every premises, and then the period closes.
        let resumed = try erc(["bill", "--db", db.argument, "--period", Self.period])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try watcher.scalar("SELECT COUNT(*) FROM billing_runs") == 1)
        #expect(try erc(["reconcile", "check", "--db", db.argument, "--period", Self.period]).status == 0)
        #expect(try erc(["period", "close", "--db", db.argument, "--period", Self.period]).status == 0)
    }

    @Test("only the first open period and the one after it can be billed", arguments: Driver.enabled)
    func onlyTheFirstOpenPeriodAndTheNext(_ driver: Driver) throws {
        let folder = try TemporaryDirectory("erc-periods")
        let erc = ERCRunner(folder: folder)
        let db = try Region.database(driver, in: folder)
        try erc(["principals", "import", "--db", db.argument, try Region.files.get().capitalRepairTariffs])
        func bill(_ period: String) throws -> ProcessResult {
            try erc(["bill", "--db", db.argument, "--period", period])
        }
        let early = try bill("2020-01")
        #expect(early.status == 65)
        #expect(early.stderr.contains("nothing is in force in 2020-01"), "\(early.stderr)")
        #expect(try db.scalar("SELECT COUNT(*) FROM statements") == 0)
        #expect(try db.scalar("SELECT COUNT(*) FROM billing_runs") == 0)
        #expect(try bill("2026-10").status == 0)
        let before = try bill("2026-09")
        #expect(
            before.status == 65 && before.stderr.contains("before 2026-10, the first period billed"), "\(before.stderr)"
        )
        let ahead = try bill("2026-12")
        #expect(ahead.status == 65 && ahead.stderr.contains("the first open period is 2026-10"), "\(ahead.stderr)")
        #expect(try db.scalar("SELECT COUNT(*) FROM statements WHERE period <> '2026-10'") == 0)
        // An as-of day before the period, or a year's typo, is refused.
        for asOf in ["2025-01-01", "2062-11-01"] {
            let typo = try erc(["bill", "--db", db.argument, "--period", Self.period, "--as-of", asOf])
            #expect(
                typo.status == 65 && typo.stderr.contains("--as-of \(asOf) is not a day to bill 2026-10"),
                "\(typo.stderr)")
        }
        #expect(try erc(["period", "close", "--db", db.argument, "--period", "2026-10"]).status == 0)
        // The period after the first open one waits for it to be billed.
        let skipping = try bill("2026-12")
        #expect(
            skipping.status == 65 && skipping.stderr.contains("2026-12 cannot be billed before 2026-11"),
            "\(skipping.stderr)")
        #expect(try db.scalar("SELECT COUNT(*) FROM statements WHERE period = '2026-12'") == 0)
        #expect(try bill("2026-11").status == 0)
        #expect(try bill("2026-12").status == 0)
        let closed = try bill("2026-10")
        #expect(closed.status == 65 && closed.stderr.contains("2026-10 is closed"))
    }

    @Test("a calculated service without its tariff is refused by name, not charged zero", arguments: Driver.enabled)
    func aMissingTariffIsRefused(_ driver: Driver) throws {
        let folder = try TemporaryDirectory("erc-tariff")
        let erc = ERCRunner(folder: folder)
        let db = try Region.database(driver, in: folder)
        let served = try db.scalar(
            """
            SELECT COUNT(*) FROM principal_accounts pa JOIN principals p ON p.id = pa.principal_id WHERE p.inn = ?
            """, [Region.capitalRepairINN])
        let bill = try erc(["bill", "--db", db.argument, "--period", Self.period])
        #expect(bill.status == 65)
        #expect(bill.stderr.contains("principal \(Region.capitalRepairINN)"), "\(bill.stderr)")
        #expect(bill.stderr.contains("service KR (per-area): no tariff in force in 2026-10, so its \(served) premises"))
        #expect(try db.scalar("SELECT COUNT(*) FROM postings WHERE run_id IS NOT NULL") == 0)
        #expect(try db.scalar("SELECT COUNT(*) FROM statements") == 0)
        // With the tariffs the fund is charged.
        try erc(["principals", "import", "--db", db.argument, try Region.files.get().capitalRepairTariffs])
        #expect(try erc(["bill", "--db", db.argument, "--period", Self.period]).status == 0)
        let charged = try db.scalar(
            """
            SELECT COALESCE(SUM(l.amount), 0) FROM statement_lines l JOIN principals p ON p.id = l.principal_id
            WHERE p.inn = ? AND l.service_code = 'KR'
            """, [Region.capitalRepairINN])
        #expect(charged > 0)
    }

    /// A file with only its id changed (and, for a correction, the file it replaces named).
    func resend(
        _ path: String, as name: String, in folder: TemporaryDirectory, edit: (String) -> String = { $0 }
    ) throws -> String {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let id = try #require(text.firstRange(of: #/<fileId>([^<]*)</fileId>/#))
        let old = String(text[id].dropFirst("<fileId>".count).dropLast("</fileId>".count))
        text.replaceSubrange(id, with: "<fileId>\(old)-\(name)</fileId>")
        let out = folder.file("\(name).xml")
        try Data(edit(text).utf8).write(to: URL(fileURLWithPath: out))
        return out
    }

    @Test(
        "a file sent again under a new id is refused; a correction posts only its differences",
        arguments: Driver.enabled)
    func filesSentAgain(_ driver: Driver) throws {
        let folder = try TemporaryDirectory("erc-resent")
        let erc = ERCRunner(folder: folder)
        let db = try Region.database(driver, in: folder)
        let files = try Region.files.get()
        try erc(["principals", "import", "--db", db.argument, files.capitalRepairTariffs])
        #expect(try erc(["bill", "--db", db.argument, "--period", Self.period]).status == 0)
        let journal = "SELECT COUNT(*) * 1000000000000 + COALESCE(SUM(amount), 0) FROM postings"
        let before = try db.scalar(journal)

        // Charges (with their recalculations) again under a new id: the heating utility's, whose
        // heating is supplied ready-made.
        let heating = files.file("charges-7451000373")
        let again = try erc(["principals", "import", "--db", db.argument, try resend(heating, as: "again", in: folder)])
        #expect(again.status == 65)
        #expect(
            again.stderr.contains(
                "rows charges (or recalculates) an account, service and period that file C-7451000373-2026-10 charged already"
            ),
            "\(again.stderr)")
        #expect(try db.scalar(journal) == before)
        // One recalculation already posted, alone in a new file: that row is named by its line.
        let recalculation = try #require(
            try String(contentsOfFile: heating, encoding: .utf8).firstMatch(
                of: #/<recalculation>.*?</recalculation>/#.dotMatchesNewlines()))
        let amount = try #require(String(recalculation.output).firstMatch(of: #/<amount>(-?\d+)</amount>/#)).output.1
        let single = try resend(heating, as: "single", in: folder) { text in
            let rows = text.firstRange(of: #/\n  <charge>/#)!.lowerBound
            let footer = text.firstRange(of: "\n  <footer>")!.lowerBound
            var single = String(text[..<rows]) + "\n  " + recalculation.output + String(text[footer...])
            single.replace(#/<rowCount>\d+</rowCount>/#, with: "<rowCount>1</rowCount>")
            single.replace(#/<chargeTotal>-?\d+</chargeTotal>/#, with: "<chargeTotal>0</chargeTotal>")
            single.replace(
                #/<recalculationTotal>-?\d+</recalculationTotal>/#,
                with: "<recalculationTotal>\(amount)</recalculationTotal>")
            return single
        }
        let recalculated = try erc(["principals", "import", "--db", db.argument, single])
        #expect(recalculated.status == 65)
        #expect(
            recalculated.stderr.contains(
                "single.xml:10: account: a recalculation of this account and service for 2026-"),
            "\(recalculated.stderr)")
        #expect(recalculated.stderr.contains("is in the journal already, from file C-7451000373-2026-10"))
        #expect(try db.scalar(journal) == before)
        // Opening balances again under a new id.
        let accounts = try #require(
            files.ordered.first { path in
                path.contains("/accounts-")
                    && ((try? String(contentsOfFile: path, encoding: .utf8))?.contains("<balance>") ?? false)
            })
        let balances = try erc([
            "principals", "import", "--db", db.argument, try resend(accounts, as: "again", in: folder),
        ])
        #expect(balances.status == 65)
        #expect(
            balances.stderr.contains("balance: this account and service carry an opening balance"), "\(balances.stderr)"
        )
        #expect(try db.scalar(journal) == before)

        // A correction: the first charge changed, the second left out, the rest the same.
        let charged = try db.scalar(
            "SELECT SUM(amount) FROM postings WHERE principal_id = (SELECT id FROM principals WHERE inn = '7451000373')"
        )
        let original = try String(contentsOfFile: heating, encoding: .utf8)
        let rows = original.matches(
            of:
                #/<charge>\s*<account>(\d+)</account>\s*<service>(\w+)</service>\s*<volume>([\d.]+)</volume>\s*<tariff>(\d+)</tariff>\s*<amount>(\d+)</amount>\s*</charge>\s*/#
        )
        #expect(rows.count > 2)
        let first = rows[0].output
        let second = rows[1].output
        let tariff = Int64(first.4)!
        let newAmount = 10 * tariff  // volume 10
        // The rows edited where they are (the second removed, the first given volume 10), and the footer.
        let total = try #require(original.firstMatch(of: #/<chargeTotal>(-?\d+)</chargeTotal>/#))
        let count = try #require(original.firstMatch(of: #/<rowCount>(\d+)</rowCount>/#))
        let newTotal = Int64(total.output.1)! - Int64(first.5)! + newAmount - Int64(second.5)!
        let firstText = String(rows[0].output.0)
        let volume = try #require(firstText.firstRange(of: "<volume>\(first.3)</volume>"))
        var changed = firstText
        changed.replaceSubrange(volume, with: "<volume>10</volume>")
        changed = changed.replacingOccurrences(of: "<amount>\(first.5)</amount>", with: "<amount>\(newAmount)</amount>")
        var edited = String(original[..<rows[0].range.lowerBound])
        edited += changed
        edited += original[rows[0].range.upperBound..<rows[1].range.lowerBound]
        edited += original[rows[1].range.upperBound..<count.range.lowerBound]
        edited += "<rowCount>\(Int(count.output.1)! - 1)</rowCount>"
        edited += original[count.range.upperBound..<total.range.lowerBound]
        edited += "<chargeTotal>\(newTotal)</chargeTotal>"
        edited += original[total.range.upperBound...]
        let editedPath = folder.file("edited.xml")
        try Data(edited.utf8).write(to: URL(fileURLWithPath: editedPath))
        let correction = try resend(editedPath, as: "fix", in: folder) { text in
            text.replacingOccurrences(
                of: "</createdAt>", with: "</createdAt>\n    <replaces>C-7451000373-2026-10</replaces>")
        }
        let fixed = try erc(["principals", "import", "--db", db.argument, correction])
        #expect(fixed.status == 0, "\(fixed.stderr)")
        let difference = newAmount - Int64(first.5)! - Int64(second.5)!
        #expect(
            fixed.stdout.contains(
                "replaces C-7451000373-2026-10: 2 differences posted as recalculations, \(Money(kopecks: difference).formatted()) руб."
            ), "\(fixed.stdout)")
        #expect(
            try db.scalar(
                "SELECT SUM(amount) FROM postings WHERE principal_id = (SELECT id FROM principals WHERE inn = '7451000373')"
            )
                == charged + difference)
        // Naming it again, or the same correction twice, changes nothing more.
        #expect(try erc(["principals", "import", "--db", db.argument, correction]).stdout.contains("already imported"))
        let twice = try erc([
            "principals", "import", "--db", db.argument, try resend(correction, as: "twice", in: folder),
        ])
        #expect(
            twice.status == 65 && twice.stderr.contains("was replaced by C-7451000373-2026-10-fix already"),
            "\(twice.stderr)")
        // Posted after the run: the statements are stale until the period is billed again.
        let close = try erc(["period", "close", "--db", db.argument, "--period", Self.period])
        #expect(
            close.status == 65 && close.stderr.contains("statements of 2026-10 no longer hold what the journal holds"),
            "\(close.stderr)")
        let render = try erc([
            "receipts", "render", "--db", db.argument, "--period", Self.period, "--out", folder.file("epd"),
        ])
        #expect(
            render.status == 65 && render.stderr.contains("no longer hold what the journal holds"), "\(render.stderr)")
        #expect(try erc(["bill", "--db", db.argument, "--period", Self.period]).status == 0)
        let check = try erc(["reconcile", "check", "--db", db.argument, "--period", Self.period])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(try erc(["period", "close", "--db", db.argument, "--period", Self.period]).status == 0)
    }

    @Test(
        "only erc db migrate and erc demo make a database; others refuse a missing one, an empty one, an old schema",
        arguments: Driver.enabled)
    func databasesAreNotMadeBehindTheUsersBack(_ driver: Driver) throws {
        let folder = try TemporaryDirectory("erc-db")
        let erc = ERCRunner(folder: folder)
        if driver == .sqlite {
            let typo = try erc(["bill", "--db", "typo.sqlite", "--period", Self.period])
            #expect(typo.status == 66)
            #expect(
                typo.stderr.contains("no database at typo.sqlite: `erc db migrate --db typo.sqlite` creates one"),
                "\(typo.stderr)")
            #expect(try erc(["reconcile", "check", "--db", "typo.sqlite", "--period", Self.period]).status == 66)
            #expect(try erc(["db", "status", "--db", "typo.sqlite"]).status == 66)
            #expect(!FileManager.default.fileExists(atPath: folder.file("typo.sqlite")))
            let empty = try erc(["bill", "--db", "", "--period", Self.period])
            #expect(empty.status == 64 && empty.stderr.contains("--db is empty"), "\(empty.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.file("erc.sqlite")))
        }
        // A database without erc's schema, then one at an older schema.
        let db: TestDB
        switch driver {
        case .sqlite:
            db = TestDB(driver: .sqlite, argument: folder.file("old.sqlite"), postgres: nil)
            _ = try SQLiteConnection(path: db.argument)
        case .postgres:
            let database = try PostgresTestServer.createDatabase()
            db = TestDB(driver: .postgres, argument: database.url, postgres: database)
        }
        let bare = try erc(["principals", "list", "--db", db.argument])
        #expect(
            bare.status == 66 && bare.stderr.contains("holds no erc schema: run `erc db migrate --db"), "\(bare.stderr)"
        )
        try Migrator(try db.connect(), migrations: Schema.migrations.filter { $0.version <= 19 }).migrate()
        let old = try erc(["reconcile", "check", "--db", db.argument, "--period", Self.period])
        #expect(old.status == 66)
        let latest = Schema.migrations.map(\.version).max()!
        #expect(old.stderr.contains("is at version 19, this erc needs \(latest)"), "\(old.stderr)")
        #expect(try db.scalar("SELECT COUNT(*) FROM erc_migrations") == 19, "a refused command migrated")
        if driver == .sqlite {
            try FileManager.default.createDirectory(
                atPath: folder.file("folder.sqlite"), withIntermediateDirectories: true)
            try Data("not a database at all, just text\n".utf8).write(
                to: URL(fileURLWithPath: folder.file("text.sqlite")))
            try Data().write(to: URL(fileURLWithPath: folder.file("zero.sqlite")))
            let cases = [
                ("folder.sqlite", "is a folder, not a database file"), ("text.sqlite", "is not an SQLite database"),
                ("zero.sqlite", "is an empty file, with no erc schema"),
            ]
            for (name, reason) in cases {
                let refused = try erc(["principals", "list", "--db", folder.file(name)])
                #expect(refused.status == 66 && refused.stderr.contains(reason), "\(name): \(refused.stderr)")
            }
            #expect(try FileManager.default.attributesOfItem(atPath: folder.file("zero.sqlite"))[.size] as? Int == 0)
        } else if let url = db.postgres?.url {
            let missing = String(url[...url.lastIndex(of: "/")!]) + "erc_no_such_database"
            let refused = try erc(["principals", "list", "--db", missing])
            #expect(refused.status == 66 && refused.stderr.contains("erc_no_such_database"), "\(refused.stderr)")
        }
        #expect(try erc(["db", "migrate", "--db", db.argument]).status == 0)
        #expect(try erc(["principals", "list", "--db", db.argument]).status == 0)
    }

    @Test(
        "the check names the balances of principals that are not active, which no statement shows",
        arguments: Driver.enabled)
    func inactivePrincipalsAreNamed(_ driver: Driver) throws {
        let folder = try TemporaryDirectory("erc-suspended")
        let erc = ERCRunner(folder: folder)
        let db = try Region.database(driver, in: folder)
        try erc(["principals", "import", "--db", db.argument, try Region.files.get().capitalRepairTariffs])
        #expect(
            try erc(["principals", "suspend", "--db", db.argument, "7451000743", "--on", "2026-10-01"]).status == 0)
        #expect(try erc(["bill", "--db", db.argument, "--period", Self.period]).status == 0)
        let check = try erc(["reconcile", "check", "--db", db.argument, "--period", Self.period])
        #expect(check.status == 0, "\(check.stderr)")
        let balance = try db.scalar(
            "SELECT SUM(amount) FROM postings WHERE principal_id = (SELECT id FROM principals WHERE inn = '7451000743')"
        )
        #expect(balance != 0)
        #expect(
            check.stdout.contains(
                "Not on the statements: principal 7451000743 is suspended, its balance \(Money(kopecks: balance).formatted()) руб."
            ),
            "\(check.stdout)")
    }

    @Test("a principal's readings file is held to the rules of every channel", arguments: Driver.enabled)
    func readingsFileRules(_ driver: Driver) throws {
        let folder = try TemporaryDirectory("erc-readings")
        let erc = ERCRunner(folder: folder)
        let db = try Region.database(driver, in: folder)
        // A six-digit electricity meter and its latest reading.
        let connection = try db.connect()
        let meter = try #require(
            try connection.first(
                """
                SELECT m.account_number, m.serial, r.value_milli, p.inn FROM meters m
                JOIN principals p ON p.id = m.principal_id
                JOIN readings r ON r.principal_id = m.principal_id AND r.meter_serial = m.serial
                WHERE m.service_code = 'EL' AND m.digits = 6 AND m.verified_until > '2026-12-01'
                ORDER BY m.account_number, r.taken_on DESC LIMIT 1
                """))
        let (account, serial, last, inn) = (
            try meter.string(0), try meter.string(1), try meter.int64(2), try meter.string(3)
        )
        let below = last - 345_000  // 345 kWh below the previous reading: as a rollover, 999 655 kWh
        func decimal(_ milli: Int64) -> String { "\(milli / 1000).\(String(milli % 1000 + 1000).dropFirst())" }
        let value = decimal(below)
        /// A principal's readings file with one reading of the meter.
        func readingsFile(_ name: String, _ value: String, on day: String) -> String {
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <readingsFile xmlns="urn:erc:exchange:1">
              <header>
                <principalInn>\(inn)</principalInn>
                <period>2026-11</period>
                <fileId>R-\(inn)-2026-11-\(name)</fileId>
                <createdAt>2026-11-20T09:00:00+05:00</createdAt>
              </header>
              <reading>
                <account>\(account)</account>
                <meter>\(serial)</meter>
                <service>EL</service>
                <value>\(value)</value>
                <takenOn>\(day)</takenOn>
                <channel>principal</channel>
                <receivedAt>2026-11-20T08:00:00+05:00</receivedAt>
              </reading>
              <footer>
                <rowCount>1</rowCount>
                <valueTotal>\(value)</valueTotal>
              </footer>
            </readingsFile>
            """
        }
        let file = folder.file("readings.xml")
        let xml = readingsFile("test", value, on: "2026-11-20")
        try Data(xml.utf8).write(to: URL(fileURLWithPath: file))
        let readings = try db.scalar("SELECT COUNT(*) FROM readings")
        let imported = try erc(["principals", "import", "--db", db.argument, file])
        #expect(imported.status == 65)
        #expect(
            imported.stderr.contains("readings.xml:13: value: \(formatMilli(below)) is below the previous reading"),
            "\(imported.stderr)")
        #expect(try db.scalar("SELECT COUNT(*) FROM readings") == readings)
        // The same reading through a channel is refused for the same reason.
        let submitted = try erc([
            "readings", "submit", "--db", db.argument, "--account", account, "--meter", serial, "--value", value,
            "--taken-on", "2026-11-20",
        ])
        #expect(submitted.status == 65)
        #expect(submitted.stderr.contains("is below the previous reading"), "\(submitted.stderr)")

        // A reading sent late, taken before one held already: it must fit below that one too,
        // or the later one would be billed as the counter rolling over.
        func submit(_ milli: Int64, on day: String) throws -> ProcessResult {
            try erc([
                "readings", "submit", "--db", db.argument, "--account", account, "--meter", serial, "--value",
                decimal(milli), "--taken-on", day,
            ])
        }
        #expect(try submit(last + 100_000, on: "2026-11-20").status == 0)
        let above = try submit(last + 150_000, on: "2026-11-10")
        #expect(above.status == 65)
        #expect(above.stderr.contains("above-later-reading"), "\(above.stderr)")
        #expect(above.stderr.contains("is above the reading \(formatMilli(last + 100_000)) taken later, on 2026-11-20"))
        let late = folder.file("late.xml")
        try Data(readingsFile("late", decimal(last + 150_000), on: "2026-11-12").utf8).write(
            to: URL(fileURLWithPath: late))
        let lateFile = try erc(["principals", "import", "--db", db.argument, late])
        #expect(lateFile.status == 65 && lateFile.stderr.contains("late.xml:13: value:"), "\(lateFile.stderr)")
        #expect(try submit(last + 50_000, on: "2026-11-10").status == 0, "a late reading that fits between was refused")
    }
}
