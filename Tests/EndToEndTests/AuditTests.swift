import Core
import ERCTestSupport
import Foundation
import Storage
import Testing

/// The audit trail: every command that writes money or master data records who, when and what;
/// a command that appears without being classified here fails the walk, so what is built later
/// stays covered. The API's writing routes are checked in `APIScenarios` the same way.
@Suite("The audit trail", .serialized)
struct AuditTests {
    /// Commands that change nothing in the database (reports, lists, files written from it) or
    /// whose writes are audited elsewhere (`erc serve`: its routes, by APIScenarios).
    static let readOnly: Set<String> = [
        "erc center show", "erc rates list", "erc principals list", "erc principals show", "erc principals export",
        "erc premises owners", "erc houses common", "erc payments suspense", "erc period list", "erc receipts render",
        "erc receipts show", "erc keys list", "erc db status", "erc db backup", "erc reconcile check",
        "erc reconcile turnover", "erc reconcile aging", "erc reconcile debtors", "erc reconcile payouts",
        "erc reconcile agent-report", "erc reconcile act", "erc reconcile bank", "erc audit", "erc serve",
    ]

    /// Commands that write, each run below and found in the audit trail of the database it wrote.
    static let writing: Set<String> = [
        "erc demo", "erc db migrate", "erc db restore", "erc center set", "erc center import", "erc rates import",
        "erc gis import-ids",
        "erc principals add", "erc principals import", "erc principals activate", "erc principals suspend",
        "erc principals resume", "erc principals terminate", "erc premises owner", "erc premises delivery",
        "erc readings submit",
        "erc payments import", "erc payments statement", "erc payments assign", "erc payments reverse",
        "erc payments refund", "erc bill", "erc period close", "erc receipts send", "erc keys create",
        "erc keys revoke",
    ]

    static func line(_ operation: String, _ account: String, _ amount: String) -> String {
        [
            "20-10-2026", "10-15-32", "8597", "0100", "12", operation, account, "Иванов Иван Иванович", "г. Челябинск",
            "1026", amount, amount, "0.00",
        ].joined(separator: ";")
    }

    @Test("every command is classified, and every writing command leaves its entry in the audit trail")
    func everyWritingCommandIsAudited() throws {
        let commands = Set(
            try HelpTextTests.helps(TestPaths.ercBinary).map(\.command).filter { command in
                // Leaves only: a group's help lists subcommands.
                ![
                    "erc", "erc center", "erc rates", "erc principals", "erc premises", "erc houses", "erc gis",
                    "erc readings",
                    "erc payments",
                    "erc period", "erc receipts", "erc reconcile", "erc keys", "erc db",
                ].contains(command)
            })
        let unclassified = commands.subtracting(Self.readOnly).subtracting(Self.writing)
        #expect(unclassified.isEmpty, "commands neither audited nor read-only: \(unclassified.sorted())")
        #expect(Self.writing.isSubset(of: commands), "\(Self.writing.subtracting(commands).sorted()) no longer exist")

        let folder = try TemporaryDirectory("erc-audit")
        let erc = ERCRunner(folder: folder)
        let db = try Region.database(.sqlite, in: folder)
        let d = db.argument
        func run(_ arguments: [String]) throws {
            let result = try erc(arguments)
            #expect(result.status == 0, "\(arguments.prefix(3)): \(result.stdout) \(result.stderr)")
        }
        let files = try Region.files.get()
        try run(["principals", "import", "--db", d, files.capitalRepairTariffs])
        try run(PrincipalsCommandTests.add + ["--db", d])
        for (day, status) in ["activate", "suspend", "resume", "terminate"].enumerated() {
            try run(["principals", status, "--db", d, "7453007776", "--on", "2026-11-2\(day)", "--reason", "тест"])
        }
        try run(["center", "set", "--db", d, "--from", "2026-12-01", "--phone", "+7 (351) 200-00-09"])
        let center = folder.file("center.xml")
        try String(contentsOfFile: TestPaths.fixture("center-valid.xml"), encoding: .utf8)
            .replacing(#/<fileId>[^<]*</fileId>/#, with: "<fileId>CENTER-AUDIT</fileId>")
            .replacingOccurrences(of: "2026-01-01", with: "2027-01-01")
            .write(toFile: center, atomically: true, encoding: .utf8)
        try run(["center", "import", "--db", d, center])
        try run(["rates", "import", "--db", d, TestPaths.fixture("rates-key-rate-cut.xml")])
        let accounts = try db.connect().all("SELECT number FROM accounts ORDER BY number LIMIT 3").map {
            try $0.string(0)
        }
        try run(["premises", "owner", accounts[0], "--db", d, "--name", "Новиков Пётр Ильич", "--since", "2026-10-12"])
        try run([
            "premises", "delivery", accounts[1], "--db", d, "--delivery", "both", "--email", "ivanova@mail.example",
            "--consented-on", "2026-11-01",
        ])
        let meter = try #require(
            try db.connect().first(
                """
                SELECT serial, account_number FROM meters WHERE removed_on IS NULL AND verified_until > '2027-01-01'
                ORDER BY serial
                """))
        let latest = try db.scalar(
            "SELECT COALESCE(MAX(value_milli), 0) FROM readings WHERE meter_serial = ?", [try meter.string(0)])
        try run([
            "readings", "submit", "--db", d, "--account", try meter.string(1), "--meter", try meter.string(0),
            "--value",
            Money(kopecks: (latest + 1_000) / 10).decimalString, "--taken-on", "2026-11-20",
        ])
        let registry = folder.file("sber-77.txt")
        let text =
            [
                Self.line("op-1", accounts[0], "1500.00"), Self.line("op-2", "7499999999", "300000.00"),
                "=2;301500.00;301500.00;0.00;77;21-10-2026",
            ].joined(separator: "\r\n") + "\r\n"
        try Data(CP1251.encode(text) ?? []).write(to: URL(fileURLWithPath: registry))
        try run(["payments", "import", "--db", d, "--bank", "sber", registry])
        try run([
            "payments", "assign", "--db", d, "--bank", "sber", "--operation", "op-2", "--account", accounts[2],
            "--reason", "письмо плательщика",
        ])
        try run(["payments", "reverse", "--db", d, "--bank", "sber", "--operation", "op-1", "--reason", "отзыв"])
        try run(["bill", "--db", d, "--period", Region.period])
        let advance = try #require(
            try db.connect().first(
                """
                SELECT pr.inn, p.service_code FROM postings p JOIN principals pr ON pr.id = p.principal_id
                WHERE p.account_number = ? AND p.kind = 'payment' AND p.note = 'advance'
                GROUP BY pr.inn, p.service_code ORDER BY -SUM(p.amount) DESC
                """, [accounts[2]]))
        let order = folder.file("refund.txt")
        let toAccount = try #require(BankAccount.withKey("40817810072000000123", bic: try BIC("047501602"))).value
        try run([
            "payments", "refund", "--db", d, "--account", accounts[2], "--principal", try advance.string(0),
            "--service", try advance.string(1), "--amount", "1.00", "--to-account", toAccount, "--bic", "047501602",
            "--payee", "Петров Пётр Петрович", "--reason", "заявление", "--on", "2026-11-25", "--out", order,
        ])
        try run(["payments", "statement", "--db", d, "--bank", "sber", order])
        try run(["bill", "--db", d, "--period", Region.period])
        let ids = folder.file("ids.xml")
        try GisTests.file(
            "GIS-AUDIT",
            "<account><number>\(accounts[0])</number><unifiedAccountNumber>75da533315</unifiedAccountNumber>"
                + "<serviceId>75da533315-01</serviceId><accountGuid>\(GisTests.guid(1))</accountGuid></account>",
            rows: 1
        ).write(toFile: ids, atomically: true, encoding: .utf8)
        try run(["gis", "import-ids", "--db", d, ids])
        try run(["period", "close", "--db", d, "--period", Region.period])
        let smtp = try SMTPTestServer(folder: folder.file("smtp"))
        try run(["receipts", "send", "--db", d, "--period", Region.period, "--smtp", smtp.url])
        try run(["keys", "create", "--db", d, "--name", "infomat-audit", "--role", "infomat", "--scope", "kiosk-1"])
        try run(["keys", "revoke", "--db", d, "--id", "1"])
        let backup = folder.file("backup.erc")
        try run(["db", "backup", "--db", d, "--out", backup])
        let restored = folder.file("restored.sqlite")
        try run(["db", "restore", "--db", restored, backup])
        let migrated = folder.file("new.sqlite")
        try run(["db", "migrate", "--db", migrated])
        let demo = folder.file("demo.sqlite")
        try run(["demo", "--db", demo, "--premises", "20", "--no-render", "--out", folder.file("demo")])

        func actions(_ path: String) throws -> Set<String> {
            Set(
                try DatabaseLocation.sqlite(path: path).connect().all("SELECT DISTINCT action FROM audit_log").map {
                    try $0.string(0)
                })
        }
        let here = try actions(d)
        let elsewhere = try actions(restored).union(actions(migrated)).union(actions(demo))
        for command in Self.writing.sorted() {
            #expect(here.contains(command) || elsewhere.contains(command), "\(command) left no audit entry")
        }
        // Who and what, as erc audit lists them; nothing in the log can be changed or removed.
        let today = CalendarDate(iso: String(ISO8601DateFormatter().string(from: Date()).prefix(10)))!
        let listed = try erc([
            "audit", "--db", d, "--from", today.adding(days: -1).description, "--to", today.adding(days: 1).description,
            "--account", accounts[0], "--format", "csv",
        ])
        #expect(listed.status == 0 && listed.stdout.contains("erc premises owner"), "\(listed.stdout)")
        #expect(listed.stdout.contains("Новиков Пётр Ильич") && listed.stdout.contains("erc payments reverse"))
        // The payment a registry brought, under its account.
        #expect(listed.stdout.contains("operation op-1"), "\(listed.stdout)")
        #expect(!listed.stdout.contains(accounts[2]), "another account's entries listed")
        let connection = try db.connect()
        #expect(throws: StorageError.self) { try connection.execute("UPDATE audit_log SET actor = 'someone'") }
        #expect(throws: StorageError.self) { try connection.execute("DELETE FROM audit_log") }
        #expect(throws: StorageError.self) {
            try connection.execute(
                """
                INSERT OR REPLACE INTO audit_log (id, at, actor, via, action, entity)
                VALUES (1, '2026-01-01T00:00:00Z', 'forged', 'cli', 'erc bill', 'billing-run')
                """)
        }
    }
}
