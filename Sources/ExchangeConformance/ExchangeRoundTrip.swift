import Billing
public import Core
public import ERCTestSupport
import Foundation
import Intake
public import Principals
public import Storage

/// A difference found by a round trip.
public struct RoundTripFailure: Error, CustomStringConvertible {
    public var kind: String
    public var message: String
    public var description: String { "\(kind): \(message)" }
}

/// Every exchange kind through one database: the fixtures imported, then each inbound kind
/// exported again and compared record by record with the file it came from, and each outbound
/// kind exported from known journal rows, checked against its XSD with xmllint and read back.
/// Runs the same on SQLite and PostgreSQL.
public enum ExchangeRoundTrip {
    public static let inn = "7453007776"
    public static let period = BillingPeriod("2026-10")!
    static let createdAt = "2026-11-02T09:00:00+05:00"

    /// Imports the valid fixtures, in order.
    public static func importFixtures(_ connection: any Connection) throws {
        let importer = ExchangeImporter(connection: connection)
        for name in ["principal", "accounts", "meters", "tariffs", "charges"] {
            _ = try importer.importFile(at: TestPaths.fixture("\(name)-valid.xml"))
        }
    }

    /// Journal rows the intake and billing issues will produce for real: readings and payments.
    public static func addReadingsAndPayments(_ connection: any Connection) throws {
        let principal = try connection.scalar("SELECT id FROM principals WHERE inn = ?", [inn])
        let readings: [(String, String, Int64, String, String)] = [
            ("7400000001", "CW-0001", 24_750, "2026-10-23", "infomat"),
            ("7400000003", "CW-0002", 131_008, "2026-10-24", "web"),
            ("7400000003", "CW-0002", 131_010, "2026-10-25", "contact-center"),
        ]
        // Through the intake, as every reading goes in; the fixtures' second meter starts at zero,
        // so its first reading is over the standard ceiling.
        let intake = ReadingIntake(
            connection: connection, rules: ReadingRules(ceilingMilli: ["CW": 200_000]),
            today: CalendarDate(iso: "2026-10-31")!)
        for (account, meter, value, day, channel) in readings {
            _ = try intake.submit(
                ReadingSubmission(
                    account: try PersonalAccountNumber(account), meter: meter, valueMilli: value,
                    takenOn: CalendarDate(iso: day)!,
                    channel: MeterReading.Channel(rawValue: channel)!, receivedAt: "\(day)T07:15:00Z"))
        }
        let payments: [(String, String, Int64, String, String)] = [
            ("7400000001", "CW", -100_000, "2026-10-05", "Сбербанк, реестр 0412, операция 771"),
            ("7400000002", "CW", -15_012, "2026-10-12", "инфомат 17, транзакция 90211"),
            ("7400000002", "SEW", -11_144, "2026-10-12", "инфомат 17, транзакция 90211"),
        ]
        try PostingWriter(connection: connection).append(
            payments.map { account, service, amount, day, source in
                Posting(
                    account: account, principalId: principal, serviceCode: service, period: BillingPeriod("2026-10")!,
                    kind: .payment, amount: Money(kopecks: amount), countsFrom: CalendarDate(iso: day)!, note: source,
                    source: .unsourced)
            })
    }

    /// Runs the whole round trip in `folder`.
    public static func run(on connection: any Connection, in folder: TemporaryDirectory) throws {
        try importFixtures(connection)
        try addReadingsAndPayments(connection)
        let exporter = try PrincipalExporter(connection: connection, inn: inn, createdAt: createdAt)
        for kind in ExchangeKind.inbound {
            let out = folder.file("\(kind)-export.xml")
            try exporter.export(kind, period: period, to: out)
            try xmllint(out, kind)
            let original = try ExchangeFileReader.read(TestPaths.fixture("\(kind)-valid.xml")).records
            let exported = try ExchangeFileReader.read(out).records
            try same(normalized(original), normalized(exported), kind.rawValue)
        }
        try outbound(connection, folder)
    }

    static func outbound(_ connection: any Connection, _ folder: TemporaryDirectory) throws {
        let exporter = try PrincipalExporter(connection: connection, inn: inn, createdAt: createdAt)
        let readingsPath = folder.file("readings.xml")
        try expect(try exporter.export(.readings, period: period, to: readingsPath) == 3, "readings", "3 rows expected")
        try xmllint(readingsPath, .readings)
        let readings = try ExchangeFileReader.read(readingsPath).records
        try expect(readings.first { $0.name == "footer" }?.fields["valueTotal"] == "286.768", "readings", "value total")
        try expect(
            readings.filter { $0.name == "reading" }.map { $0.fields["channel"]! } == [
                "infomat", "web", "contact-center",
            ], "readings", "channels")

        let settlements = try PrincipalSettlements(connection: connection, inn: inn)
        let header = ExchangeHeader(principalINN: inn, period: period, fileId: "ERC-TEST", createdAt: createdAt)
        let paymentsPath = folder.file("payments.xml")
        let payments = try PaymentsFileWriter(path: paymentsPath, header: header)
        try settlements.payments(period: period) { try payments.add($0) }
        try payments.finish()
        try xmllint(paymentsPath, .payments)
        let paid = try ExchangeFileReader.read(paymentsPath).records
        try expect(paid.first { $0.name == "footer" }?.fields["totalAmount"] == "126156", "payments", "total")

        let report = try settlements.agentReport(period: period)
        // 1.50 % of each service's money, rounded once per line: CW 1150.12 -> 17.25; SEW 111.44 -> 1.67
        try expect(report.lines.map(\.fee.kopecks) == [1_725, 167], "agent-report", "fees \(report.lines.map(\.fee))")
        try expect(report.fee + report.payout == report.collected, "agent-report", "fee + payout != collected")
        let reportPath = folder.file("agent-report.xml")
        try AgentReportFile.write(report, header: header, to: reportPath)
        try xmllint(reportPath, .agentReport)
        let footer = try ExchangeFileReader.read(reportPath).records.first { $0.name == "footer" }!.fields
        try expect(
            footer["collectedTotal"] == "126156" && footer["feeTotal"] == "1892" && footer["payoutTotal"] == "124264",
            "agent-report", "footer \(footer)")

        let debtorsPath = folder.file("debtors.xml")
        let debtors = try DebtorsFileWriter(path: debtorsPath, header: header)
        var found: [Debtor] = []
        try settlements.debtors(period: period) {
            found.append($0)
            try debtors.add($0)
        }
        try debtors.finish()
        try xmllint(debtorsPath, .debtors)
        // 7400000001: opening 1250.00 + charges 489.80 + 363.61 - paid 1000.00 = 1103.41, oldest 2026-09
        // (the opening balance dates from the period before the file's); 7400000002: 150.12 + 111.44 - 261.56 = 0.
        let first = found.first { $0.account.value == "7400000001" }
        try expect(
            first?.debt == Money(kopecks: 110_341), "debtors", "7400000001 owes \(String(describing: first?.debt))")
        try expect(
            first?.oldestPeriod == BillingPeriod("2026-09"), "debtors",
            "oldest \(String(describing: first?.oldestPeriod))")
        try expect(!found.contains { $0.account.value == "7400000002" }, "debtors", "a paid-up account is listed")
    }

    /// Numbers written differently (`38.1`, `38.10`) compare equal; header ids and stamps are the exporter's own.
    static func normalized(_ records: [ExchangeRecord]) -> [String] {
        records.filter { $0.name != "header" }.map { record in
            let fields = record.fields.sorted { $0.key < $1.key }.map { key, value -> String in
                var text = value
                if text.contains("."), text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) {
                    while text.hasSuffix("0") { text.removeLast() }
                    if text.hasSuffix(".") { text.removeLast() }
                }
                return "\(key)=\(text)"
            }
            return record.name + "{" + fields.joined(separator: ",") + "}"
        }.sorted()
    }

    static func same(_ a: [String], _ b: [String], _ kind: String) throws {
        guard a == b else {
            let missing = Set(a).subtracting(b).sorted().prefix(3)
            let extra = Set(b).subtracting(a).sorted().prefix(3)
            throw RoundTripFailure(
                kind: kind, message: "differs; only in the original: \(missing); only in the export: \(extra)")
        }
    }

    static func expect(_ condition: Bool, _ kind: String, _ message: String) throws {
        if !condition { throw RoundTripFailure(kind: kind, message: message) }
    }

    /// Validates with the real xmllint against the XSD in Schemas/.
    public static func xmllint(_ path: String, _ kind: ExchangeKind) throws {
        let result = try ProcessRunner.run(
            "xmllint", ["--nonet", "--noout", "--schema", TestPaths.schema(kind.schemaFileName), path])
        if result.status != 0 {
            throw RoundTripFailure(kind: kind.rawValue, message: "xmllint: \(result.stderr)")
        }
    }
}
