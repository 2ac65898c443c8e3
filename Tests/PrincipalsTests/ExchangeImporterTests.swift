import Core
import ERCTestSupport
import ExchangeConformance
import Foundation
import Intake
import Principals
import Storage
import Testing

/// Imports on a fresh SQLite database per test (the end-to-end tests repeat the path on PostgreSQL).
@Suite("Importing principals' exchange files")
struct ExchangeImporterTests {
    let folder: TemporaryDirectory
    let connection: any Connection
    let importer: ExchangeImporter

    init() throws {
        folder = try TemporaryDirectory("erc-import")
        connection = try DatabaseLocation.sqlite(path: folder.file("erc.sqlite")).open()
        importer = ExchangeImporter(
            connection: connection, readings: ReadingsFileRules(today: CalendarDate(iso: "2026-10-27")!))
    }

    func importValidRegistry() throws {
        _ = try importer.importFile(at: TestPaths.fixture("principal-valid.xml"))
        _ = try importer.importFile(at: TestPaths.fixture("accounts-valid.xml"))
    }

    /// What an ImportError's problems print as, one line each.
    func lines(_ error: ImportError) -> [String] { error.problems.map(\.description) }

    /// Row counts of every table an import writes, to prove a rejected file stored nothing.
    func counts() throws -> [Int64] {
        try [
            "principals", "services", "tariffs", "houses", "accounts", "principal_accounts", "meters", "import_files",
            "postings", "agreements", "principal_status_history",
        ]
        .map { try connection.scalar("SELECT COUNT(*) FROM \($0)") }
    }

    func rejected(_ fixture: String) throws -> ImportError {
        let before = try counts()
        do {
            _ = try importer.importFile(at: fixture.hasPrefix("/") ? fixture : TestPaths.fixture(fixture))
        } catch let error as ImportError {
            #expect(try counts() == before, "a rejected file changed the database")
            #expect(connection.transactionDepth == 0)
            return error
        }
        Issue.record("\(fixture) was accepted")
        return ImportError(code: .invalid, file: fixture, problems: [])
    }

    @Test func importsEveryInboundKind() throws {
        let principal = try importer.importFile(at: TestPaths.fixture("principal-valid.xml"))
        #expect(principal.kind == .principal && principal.rows == 2)
        // With its agreement, the new principal is active from the agreement's first day.
        #expect(try connection.first("SELECT status, status_since FROM principals")?.string(0) == "active")
        #expect(try connection.first("SELECT status_since FROM principals")?.string(0) == "2026-01-01")
        #expect(try connection.scalar("SELECT fee_basis_points FROM agreements") == 150)
        let accounts = try importer.importFile(at: TestPaths.fixture("accounts-valid.xml"))
        #expect(accounts.rows == 3)
        #expect(try connection.scalar("SELECT SUM(amount) FROM postings WHERE kind = 'opening'") == 119_950)
        #expect(
            try connection.first(
                "SELECT principal_account FROM principal_accounts WHERE account_number = '7400000001'")?.string(0)
                == "ВК-000123")
        #expect(try importer.importFile(at: TestPaths.fixture("meters-valid.xml")).rows == 2)
        #expect(try connection.scalar("SELECT initial_reading_milli FROM meters WHERE serial = 'CW-0001'") == 12_500)
        #expect(
            try connection.first("SELECT removed_on FROM meters WHERE serial = 'CW-0002'")?.string(0) == "2026-12-01")
        #expect(try connection.first("SELECT removed_on FROM meters WHERE serial = 'CW-0001'")?.isNull(0) == true)
        #expect(try importer.importFile(at: TestPaths.fixture("tariffs-valid.xml")).rows == 3)
        #expect(try connection.scalar("SELECT COUNT(*) FROM tariffs") == 3)
        let charges = try importer.importFile(at: TestPaths.fixture("charges-valid.xml"))
        #expect(charges.rows == 6)
        #expect(charges.total.kopecks == 171_577 - 2_145)
        #expect(charges.period?.description == "2026-10")
        #expect(try connection.scalar("SELECT SUM(amount) FROM postings WHERE kind = 'charge'") == 171_577)
        let recalculation = try #require(
            try connection.first("SELECT for_period, amount, note FROM postings WHERE kind = 'recalculation'"))
        #expect(try recalculation.string(0) == "2026-09")
        #expect(try recalculation.int64(1) == -2_145)
        #expect(try connection.scalar("SELECT area_centi FROM accounts WHERE number = '7400000002'") == 3_810)
        // Each posting keeps its source: the file and the line of its row's account.
        let lines = try connection.all(
            "SELECT source_line FROM postings WHERE kind IN ('charge', 'recalculation') ORDER BY source_line"
        ).map { try $0.int(0) }
        #expect(lines == [10, 17, 24, 31, 38, 45])
    }

    @Test("a principal's readings file: its meters' readings are stored once, a foreign meter refuses the file")
    func readingsFromAPrincipal() throws {
        try importValidRegistry()
        _ = try importer.importFile(at: TestPaths.fixture("meters-valid.xml"))
        func write(_ name: String, _ readings: [(String, String, Int64, String)]) throws -> String {
            let header = ExchangeHeader(
                principalINN: "7453007776", period: BillingPeriod("2026-10")!, fileId: name,
                createdAt: "2026-10-27T09:00:00+05:00")
            let file = try ReadingsFileWriter(path: folder.file("\(name).xml"), header: header)
            for (account, meter, value, day) in readings {
                try file.add(
                    MeterReading(
                        account: try PersonalAccountNumber(account), meterSerial: meter, serviceCode: "CW",
                        valueMilli: value,
                        takenOn: CalendarDate(iso: day)!, channel: .principal, receivedAt: "2026-10-27T09:00:00+05:00"))
            }
            try file.finish()
            return file.path
        }
        let good = try write(
            "R-1", [("7400000001", "CW-0001", 24_750, "2026-10-20"), ("7400000003", "CW-0002", 21_008, "2026-10-26")])
        let summary = try importer.importFile(at: good)
        #expect(summary.rows == 2)
        // The 20th counts for October; the 26th is past the 25th, so November.
        let periods = try connection.all("SELECT period FROM readings ORDER BY taken_on").map { try $0.string(0) }
        #expect(periods == ["2026-10", "2026-11"])
        #expect(try importer.importFile(at: good).alreadyImported)
        let bad = try write(
            "R-2", [("7400000001", "CW-0002", 1_000, "2026-10-21"), ("7400000001", "CW-0001", 1_000, "2026-10-21")])
        let readingsBefore = try connection.scalar("SELECT COUNT(*) FROM readings")
        let error = try rejected(bad)
        #expect(
            lines(error).contains {
                $0.hasSuffix("meter: no meter of this principal with this serial on this account and service")
            })
        #expect(try connection.scalar("SELECT COUNT(*) FROM readings") == readingsBefore)
    }

    @Test func reimportingTheSameFileChangesNothing() throws {
        try importValidRegistry()
        _ = try importer.importFile(at: TestPaths.fixture("charges-valid.xml"))
        let before = try counts()
        let again = try importer.importFile(at: TestPaths.fixture("charges-valid.xml"))
        #expect(again.alreadyImported)
        #expect(try counts() == before)
        let error = try rejected("charges-reused-id.xml")
        #expect(error.code == .fileIdReused)
        #expect(error.problems.map(\.element) == ["fileId"])
    }

    @Test func chargesNeedTheirPrincipalRegistered() throws {
        let error = try rejected("charges-valid.xml")
        #expect(error.problems.count == 1)
        #expect(error.problems[0].element == "principalInn")
    }

    @Test func unknownAccountIsNamedByLine() throws {
        try importValidRegistry()
        let error = try rejected("charges-unknown-account.xml")
        #expect(
            lines(error) == [
                "charges-unknown-account.xml:24: account: unknown account, or not one this principal serves"
            ])
    }

    @Test func duplicateRow() throws {
        try importValidRegistry()
        let error = try rejected("charges-duplicate-row.xml")
        #expect(
            lines(error) == [
                "charges-duplicate-row.xml:45: charge: duplicate row: the same account and service appear earlier in the file"
            ])
    }

    @Test func footerControlSumsListEveryMismatch() throws {
        try importValidRegistry()
        let error = try rejected("charges-total-mismatch.xml")
        #expect(
            lines(error) == [
                "charges-total-mismatch.xml:52: rowCount: says 7 rows, the file has 6",
                "charges-total-mismatch.xml:53: chargeTotal: says 979.60, the rows add up to 1715.77",
            ])
    }

    @Test func schemaErrorsAreAllListedWithLinesAndElements() throws {
        try importValidRegistry()
        let error = try rejected("charges-schema-errors.xml")
        #expect(error.problems.map(\.element) == ["period", "amount", "volume"])
        #expect(error.problems.map(\.line) == [5, 14, 18])
        #expect(error.problems[2].reason.contains("Expected is ( service )"))
    }

    @Test(arguments: ["charges-xxe.xml", "charges-billion-laughs.xml"])
    func documentTypeDeclarationsAreRefusedUnread(_ fixture: String) throws {
        try importValidRegistry()
        let error = try rejected(fixture)
        #expect(
            error.problems.map(\.description) == [
                "\(fixture):2: DOCTYPE: document type declarations are not allowed in exchange files; the file was not parsed"
            ])
    }

    @Test func malformedAndForeignFiles() throws {
        try importValidRegistry()
        let malformed = try rejected("charges-malformed.xml")
        #expect(malformed.problems.first?.reason.contains("tag mismatch") == true)
        let foreign = try rejected("charges-foreign-root.xml")
        #expect(foreign.code == .unknownKind)
        let missing = try rejected("no-such-file.xml")
        #expect(missing.code == .unreadable)
    }

    @Test("a well-formedness error deep in a file is named at its own line, with libxml2's reason")
    func malformedDeepInTheFile() throws {
        try importValidRegistry()
        var text = try String(contentsOfFile: TestPaths.fixture("charges-valid.xml"), encoding: .utf8)
        let header = try #require(text.range(of: "</header>\n")).upperBound
        // Past the parser's first chunk: the header ends on line 8, the bad row is on line 1009.
        let padding = String(repeating: "  <!-- padding -->\n", count: 1_000)
        text.insert(contentsOf: padding + "  <charge><account>7400000001</charge>\n", at: header)
        let path = folder.file("malformed-deep.xml")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let error = try rejected(path)
        #expect(
            error.problems.contains { $0.line == 1009 && $0.reason.contains("mismatch") }, "\(lines(error))")
    }

    @Test("a folder, a device and a pipe are refused at once, not read (/dev/zero never ends)")
    func notRegularFiles() throws {
        let pipe = folder.file("pipe.xml")
        #expect(mkfifo(pipe, 0o600) == 0)
        for path in ["/dev/zero", folder.path, pipe] {
            let error = try rejected(path)
            #expect(error.code == .unreadable)
            #expect(lines(error).count == 1 && lines(error)[0].contains("is not a regular file"), "\(lines(error))")
        }
    }

    @Test("an empty file, white space and a file that is not XML are named for what they are")
    func emptyAndNotXML() throws {
        let cases: [(String, String, String)] = [
            ("empty.xml", "", "empty.xml:1: file: the file is empty"),
            ("blank.xml", "\n\n  ", "blank.xml:3: file: the file holds only white space"),
            (
                "text.xml", "hello, this is not xml\n",
                "text.xml:1: file: not an XML document: it begins with \"hello, this is not xml\""
            ),
            (
                "csv.xml", "\u{FEFF}\n0100000001;CW;12.5\n",
                "csv.xml:2: file: not an XML document: it begins with \"0100000001;CW;12.5\""
            ),
        ]
        for (name, content, expected) in cases {
            let path = folder.file(name)
            try Data(content.utf8).write(to: URL(fileURLWithPath: path))
            let error = try rejected(path)
            #expect(lines(error).count == 1 && lines(error)[0].hasPrefix(expected), "\(lines(error))")
        }
    }

    @Test("a storage failure while rows stream in is thrown as it is, and stores nothing")
    func storageFailuresAreThrown() throws {
        try importValidRegistry()
        let before = try counts()
        try connection.execute(
            "CREATE TRIGGER erc_test_full BEFORE INSERT ON postings BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
        do {
            _ = try importer.importFile(at: TestPaths.fixture("charges-valid.xml"))
            Issue.record("the import went through a failing journal")
        } catch let error as StorageError {
            #expect(error.message.contains("database or disk is full"), "\(error)")
        }
        #expect(try counts() == before)
        #expect(connection.transactionDepth == 0)
        try connection.execute("DROP TRIGGER erc_test_full")
        #expect(try importer.importFile(at: TestPaths.fixture("charges-valid.xml")).rows == 6)
    }

    @Test("a schema that cannot be attached refuses the file and frees the reader once")
    func aSchemaThatCannotBeAttached() throws {
        // Before the fix the reader's handles were freed in the initialiser and again in
        // deinit: glibc aborted the test process here ("double free detected").
        for _ in 0..<3 {
            do {
                _ = try XMLRecordReader(
                    path: TestPaths.fixture("charges-valid.xml"), displayName: "charges-valid.xml",
                    schema: try ExchangeKind.charges.compiledSchema(), fault: .attachingSchema)
                Issue.record("a reader without its schema was made")
            } catch {
                #expect(error.code == .unreadable)
                #expect(error.problems.first?.reason == "cannot be validated: libxml2 did not take the schema")
            }
        }
    }

    @Test func filesOverTheSizeLimitAreRefusedUnread() throws {
        try importValidRegistry()
        let small = ExchangeImporter(connection: connection, maximumFileSize: 1_000)
        do {
            _ = try small.importFile(at: TestPaths.fixture("charges-valid.xml"))
            Issue.record("a file over the limit was read")
        } catch let error as ImportError {
            #expect(error.problems.map(\.element) == ["file"])
            #expect(error.problems[0].reason.contains("more than the limit of 1000"))
        }
    }

    @Test func requisitesAreCheckedByTheirCheckDigits() throws {
        let error = try rejected("principal-bad-requisites.xml")
        #expect(
            lines(error) == [
                "principal-bad-requisites.xml:12: inn: check digit does not match",
                "principal-bad-requisites.xml:22: account: control key does not match the BIC",
                "principal-bad-requisites.xml:27: effectiveFrom: an agreement cannot take effect before it is signed",
            ])
    }

    @Test func metersOnlyOnPremisesThePrincipalServes() throws {
        try importValidRegistry()
        let error = try rejected("meters-foreign-account.xml")
        #expect(
            lines(error) == [
                "meters-foreign-account.xml:20: account: unknown account, or not one this principal serves",
                "meters-foreign-account.xml:21: service: not a service of this principal",
            ])
    }

    @Test func accountsThatConflictWithTheRegistryAreNamed() throws {
        try importValidRegistry()
        let folder = try TemporaryDirectory("erc-accounts")
        let path = folder.file("accounts-conflicts.xml")
        let header = ExchangeHeader(
            principalINN: "7453007776", period: BillingPeriod("2026-10")!, fileId: "A-TEST-2",
            createdAt: "2026-11-02T09:00:00+05:00")
        let file = try AccountsFileWriter(path: path, header: header)
        func premises(_ number: String, _ house: String, _ apartment: String) throws -> Premises {
            Premises(
                account: try PersonalAccountNumber(number), houseCode: house, entrance: 1, apartment: apartment,
                areaCenti: 4_000, residents: 1, ownerName: "Новый Жилец")
        }
        try file.add(premises("7400000001", "T001", "9"))  // known account, other premises
        try file.add(premises("7400000009", "T001", "2"))  // premises known under 7400000002
        try file.add(premises("7400000010", "T404", "1"))  // no such house
        try file.add(premises("7400000011", "T002", "46"))  // fine
        try file.finish()
        let error = try rejected(path)
        #expect(error.problems.map(\.element) == ["account", "account", "house"])
        #expect(
            error.problems.map(\.reason) == [
                "this account is registered for a different premises",
                "this premises is registered under another account",
                "unknown house code: list the house in this file or register it first",
            ])
        #expect(try connection.scalar("SELECT COUNT(*) FROM accounts") == 3)
    }

    @Test(
        "an accounts file's ownerSince changes a registered premises' owner from that day; sent again it changes nothing, another name that day is refused"
    )
    func anAccountsFileChangesTheOwner() throws {
        try importValidRegistry()
        let folder = try TemporaryDirectory("erc-owner")
        func file(_ id: String, owner: String, since: String?) throws -> String {
            let path = folder.file("\(id).xml")
            let header = ExchangeHeader(
                principalINN: "7453007776", period: BillingPeriod("2026-10")!, fileId: id,
                createdAt: "2026-11-02T09:00:00+05:00")
            let writer = try AccountsFileWriter(path: path, header: header)
            try writer.add(
                Premises(
                    account: try PersonalAccountNumber("7400000001"), houseCode: "T001", entrance: 1, apartment: "1",
                    areaCenti: 5_430, residents: 3, ownerName: owner, ownerSince: since.flatMap(CalendarDate.init(iso:))
                ))
            try writer.finish()
            try ExchangeRoundTrip.xmllint(path, .accounts)
            return path
        }
        // Without ownerSince a registered account keeps its owner.
        _ = try importer.importFile(at: try file("O-1", owner: "Петров Пётр Петрович", since: nil))
        #expect(try OwnerBook(connection: connection).history(of: "7400000001")?.changes == [])
        _ = try importer.importFile(at: try file("O-2", owner: "Петров Пётр Петрович", since: "2026-10-12"))
        let history = try #require(try OwnerBook(connection: connection).history(of: "7400000001"))
        #expect(history.first == "Иванов Иван Иванович")
        #expect(history.changes == [.init(since: CalendarDate(iso: "2026-10-12")!, name: "Петров Пётр Петрович")])
        #expect(try OwnerBook(connection: connection).accounts(changedByFile: "O-2") == ["7400000001"])
        // The same change under another file id: nothing new.
        _ = try importer.importFile(at: try file("O-3", owner: "Петров Пётр Петрович", since: "2026-10-12"))
        #expect(try connection.scalar("SELECT COUNT(*) FROM owner_changes") == 1)
        let error = try rejected(try file("O-4", owner: "Сидоров Сидор Сидорович", since: "2026-10-12"))
        #expect(error.problems.map(\.element) == ["ownerSince"])
        #expect(error.problems.first?.reason.contains("Петров Пётр Петрович") == true)
        #expect(try connection.scalar("SELECT COUNT(*) FROM owner_changes") == 1)
        // A name of spaces only is named by its line, not a failure of the whole run.
        let blank = try rejected(try file("O-5", owner: "   ", since: "2026-10-20"))
        #expect(blank.problems.map(\.element) == ["owner"])
        // A change from a day in a closed period is refused: its ЕПД were issued.
        try connection.execute("INSERT INTO closed_periods (period) VALUES ('2026-10')")
        let closed = try rejected(try file("O-6", owner: "Сидоров Сидор Сидорович", since: "2026-10-20"))
        #expect(closed.problems.map(\.element) == ["ownerSince"])
        #expect(closed.problems.first?.reason.contains("closed") == true)
        try connection.execute("DELETE FROM closed_periods")
        // The registry's accounts file goes out with the owner at the period's end and since when.
        let exported = folder.file("export.xml")
        try PrincipalExporter(connection: connection, inn: "7453007776", createdAt: "2026-11-02T09:00:00+05:00")
            .export(.accounts, period: BillingPeriod("2026-10")!, to: exported, fileId: "E-1")
        let account = try ExchangeFileReader.read(exported).records.first {
            $0.name == "account" && $0.fields["number"] == "7400000001"
        }
        #expect(account?.fields["owner"] == "Петров Пётр Петрович" && account?.fields["ownerSince"] == "2026-10-12")
    }

    @Test(
        "an accounts file proposes customers' delivery choices: the latest dated is in force, the center's own first on its day"
    )
    func deliveryChoicesFromAFile() throws {
        try importValidRegistry()
        let folder = try TemporaryDirectory("erc-delivery")
        func file(_ id: String, _ delivery: Delivery, _ email: String?, _ day: String) throws -> String {
            let path = folder.file("\(id).xml")
            let header = ExchangeHeader(
                principalINN: "7453007776", period: BillingPeriod("2026-10")!, fileId: id,
                createdAt: "2026-11-02T09:00:00+05:00")
            let writer = try AccountsFileWriter(path: path, header: header)
            var premises = Premises(
                account: try PersonalAccountNumber("7400000001"), houseCode: "T001", entrance: 1, apartment: "1",
                areaCenti: 5_430, residents: 3, ownerName: "Иванов Иван Иванович")
            premises.delivery = DeliveryConsent(
                account: "7400000001", delivery: delivery, email: email, consentedOn: CalendarDate(iso: day)!,
                source: "")
            try writer.add(premises)
            try writer.finish()
            try ExchangeRoundTrip.xmllint(path, .accounts)
            return path
        }
        let book = DeliveryBook(connection: connection)
        _ = try importer.importFile(at: try file("D-1", .email, "ivanov@mail.example", "2026-10-01"))
        #expect(try book.consent(of: "7400000001")?.delivery == .email)
        // The center's own record of the same day goes first.
        try book.record(
            DeliveryConsent(
                account: "7400000001", delivery: .paper, email: nil, consentedOn: CalendarDate(iso: "2026-10-01")!,
                source: "test"), byCenter: true, notAfter: CalendarDate(iso: "2026-11-30")!)
        #expect(try book.consent(of: "7400000001")?.delivery == .paper)
        // A later consent, whoever records it, is in force.
        _ = try importer.importFile(at: try file("D-2", .both, "ivanov@mail.example", "2026-10-05"))
        #expect(try book.consent(of: "7400000001")?.delivery == .both)
        // Changed back and forth on one day: the last word is in force.
        let day = CalendarDate(iso: "2026-10-07")!
        for delivery in [Delivery.email, .paper, .email] {
            try book.record(
                DeliveryConsent(
                    account: "7400000001", delivery: delivery, email: delivery.mailed ? "ivanov@mail.example" : nil,
                    consentedOn: day, source: "test"), byCenter: true, notAfter: day)
        }
        #expect(try book.consent(of: "7400000001")?.delivery == .email)
        #expect(throws: DeliveryError.self) {
            try book.record(
                DeliveryConsent(
                    account: "7400000001", delivery: .paper, email: nil, consentedOn: CalendarDate(iso: "2099-01-01")!,
                    source: "test"), byCenter: true, notAfter: day)
        }
        let bad = try rejected(try file("D-3", .email, "ivanov at mail", "2026-10-06"))
        #expect(bad.problems.map(\.element) == ["email"])
        #expect(try connection.scalar("SELECT COUNT(*) FROM delivery_consents") == 6)
    }

    @Test func aClosedPeriodTakesNoCharges() throws {
        try importValidRegistry()
        try connection.execute("INSERT INTO closed_periods (period) VALUES ('2026-09')")
        let error = try rejected("charges-closed-period.xml")
        #expect(
            lines(error) == [
                "charges-closed-period.xml:5: period: the period is closed; send changes to it as recalculations in the next open period"
            ])
    }

    @Test func recalculationsAreForEarlierPeriodsAndNotZero() throws {
        try importValidRegistry()
        let error = try rejected("charges-bad-recalculation.xml")
        #expect(
            lines(error) == [
                "charges-bad-recalculation.xml:19: forPeriod: a recalculation is for an earlier period than the file's",
                "charges-bad-recalculation.xml:25: service: not a service of this principal",
                "charges-bad-recalculation.xml:27: amount: a recalculation of zero changes nothing",
            ])
    }

    @Test func filesTheCenterSendsAreNotImported() throws {
        try importValidRegistry()
        let folder = try TemporaryDirectory("erc-out")
        let header = ExchangeHeader(
            principalINN: "7453007776", period: BillingPeriod("2026-10")!, fileId: "D-1",
            createdAt: "2026-11-02T09:00:00+05:00")
        let writer = try DebtorsFileWriter(path: folder.file("debtors.xml"), header: header)
        try writer.finish()
        do {
            _ = try importer.importFile(at: folder.file("debtors.xml"))
            Issue.record("an outbound file was imported")
        } catch let error as ImportError {
            #expect(error.code == .unknownKind)
        }
    }

    @Test("the import report validates and lists every problem")
    func importReport() throws {
        try importValidRegistry()
        let folder = try TemporaryDirectory("erc-report")
        let error = try rejected("charges-total-mismatch.xml")
        try ImportReportFile.write(.rejected(error), createdAt: "2026-11-02T09:00:00+05:00", to: folder.file("r.xml"))
        try ExchangeRoundTrip.xmllint(folder.file("r.xml"), .importReport)
        let records = try ExchangeFileReader.read(folder.file("r.xml")).records
        #expect(records.filter { $0.name == "problem" }.map { $0.fields["line"]! } == ["52", "53"])
        #expect(records.first { $0.name == "header" }?.fields["fileId"] == "C-TEST-TOTAL")
        #expect(records.first { $0.name == "file" }?.fields["status"] == "rejected")
        let accepted = try importer.importFile(at: TestPaths.fixture("charges-valid.xml"))
        try ImportReportFile.write(
            .imported(accepted), createdAt: "2026-11-02T09:00:00+05:00", to: folder.file("ok.xml"))
        try ExchangeRoundTrip.xmllint(folder.file("ok.xml"), .importReport)
        // Even a file rejected before its header was read gets a valid report.
        let foreign = try rejected("charges-foreign-root.xml")
        try ImportReportFile.write(.rejected(foreign), createdAt: "2026-11-02T09:00:00+05:00", to: folder.file("f.xml"))
        try ExchangeRoundTrip.xmllint(folder.file("f.xml"), .importReport)
    }

    @Test(
        "an account and service carry debts of several periods in one file, a balance each; the same period twice is refused"
    )
    func severalDebtPeriodsInOneFile() throws {
        let folder = try TemporaryDirectory("erc-periods")
        _ = try importer.importFile(at: TestPaths.fixture("principal-valid.xml"))
        let text = try String(contentsOfFile: TestPaths.fixture("accounts-valid.xml"), encoding: .utf8)
        func file(_ id: String, _ balances: [(String, String)]) throws -> String {
            var changed = text.replacingOccurrences(of: "<fileId>", with: "<fileId>\(id)-")
            let start = try #require(changed.range(of: "  <balance>"))
            let end = try #require(changed.range(of: "  <footer>"))
            changed.replaceSubrange(
                start.lowerBound..<end.lowerBound,
                with: balances.map { amount, since in
                    "  <balance>\n    <account>7400000001</account>\n    <service>CW</service>\n"
                        + "    <amount>\(amount)</amount>\n    <since>\(since)</since>\n  </balance>\n"
                }.joined())
            changed = changed.replacingOccurrences(
                of: "<balanceCount>2</balanceCount>", with: "<balanceCount>\(balances.count)</balanceCount>")
            let total = balances.reduce(0) { $0 + (Int($1.0) ?? 0) }
            changed = changed.replacingOccurrences(
                of: "<balanceTotal>119950</balanceTotal>", with: "<balanceTotal>\(total)</balanceTotal>")
            let path = folder.file("\(id).xml")
            try changed.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let twice = try file("SAME", [("100000", "2026-06"), ("25000", "2026-06")])
        #expect(throws: ImportError.self) { try importer.importFile(at: twice) }
        let imported = try importer.importFile(at: try file("PERIODS", [("100000", "2026-06"), ("25000", "2026-08")]))
        #expect(imported.rows == 3)
        let debts = try connection.all(
            "SELECT for_period, amount FROM postings WHERE kind = 'opening' ORDER BY for_period"
        ).map { "\(try $0.string(0)) \(try $0.int64(1))" }
        #expect(debts == ["2026-06 100000", "2026-08 25000"])
    }

    @Test("every kind round-trips on SQLite: inbound files export back the same, outbound files validate")
    func roundTrip() throws {
        let folder = try TemporaryDirectory("erc-roundtrip")
        try ExchangeRoundTrip.run(on: connection, in: folder)
    }

    @Test("the valid fixtures pass xmllint against Schemas/, the broken ones fail it")
    func fixturesAgreeWithXmllint() throws {
        let cases = [
            ("principal-valid.xml", "principal-1.xsd", true), ("accounts-valid.xml", "accounts-1.xsd", true),
            ("meters-valid.xml", "meters-1.xsd", true), ("tariffs-valid.xml", "tariffs-1.xsd", true),
            ("charges-valid.xml", "charges-1.xsd", true), ("charges-schema-errors.xml", "charges-1.xsd", false),
            // The center's own files: the bad ones are well-formed and valid, their faults are of meaning.
            ("center-valid.xml", "center-1.xsd", true), ("center-bad-requisites.xml", "center-1.xsd", true),
            ("rates-key-rate-cut.xml", "rates-1.xsd", true), ("rates-bad.xml", "rates-1.xsd", true),
        ]
        for (fixture, schema, valid) in cases {
            let result = try ProcessRunner.run(
                "xmllint", ["--nonet", "--noout", "--schema", TestPaths.schema(schema), TestPaths.fixture(fixture)])
            #expect((result.status == 0) == valid, "\(fixture): \(result.stderr)")
        }
    }

    @Test("the XSDs built into erc are the files in Schemas/")
    func embeddedSchemasMatchTheRepository() throws {
        for kind in ExchangeKind.allCases {
            let onDisk = try ProcessRunner.run("cat", [TestPaths.schema(kind.schemaFileName)]).stdoutData
            #expect(Array(onDisk) == kind.schemaBytes, "\(kind.schemaFileName) differs")
        }
    }
}

/// Two imports of one principal's files at once, each on a connection of its own.
@Suite("Concurrent imports on SQLite")
struct ConcurrentImportTests {
    @Test("the same charges under two ids at once: stored once; the same file twice: stored once")
    func sameChargesTwiceAtOnce() throws {
        let folder = try TemporaryDirectory("erc-race")
        try ConcurrentImports.run(.sqlite(path: folder.file("erc.sqlite")), in: folder)
    }
}
