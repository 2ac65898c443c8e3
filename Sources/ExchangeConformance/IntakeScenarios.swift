import Billing
import Core
public import ERCTestSupport
import Foundation
import Intake
public import Storage

/// A bank registry imported into a generated region, the same on every driver: payments
/// recorded and allocated to the kopeck, an unknown account in suspense, a reading passed with a
/// payment stored and a foreign one left out, the same registry (in either charset) adding
/// nothing, an operation in a second registry not doubled, a conflicting registry refused with
/// nothing stored, and the books still balancing.
public enum IntakeScenarios {
    /// A classic registry line; amounts with a decimal point or comma.
    public static func line(
        _ operation: String, _ account: String, paid: String, transferred: String, fee: String, period: String = "1026",
        extras: [String] = []
    ) -> String {
        ([
            "05-11-2026", "10-15-32", "8597", "0100", "12", operation, account, "Иванов Иван Иванович",
            "г. Челябинск, ул. Кирова, д. 10, кв. 15", period, paid, transferred, fee,
        ] + extras).joined(separator: ";")
    }

    /// A registry of `lines` and its summary line, CRLF (or LF) line ends.
    public static func file(_ lines: [String], summary: String, crlf: Bool = true) -> String {
        (lines + [summary]).joined(separator: crlf ? "\r\n" : "\n") + (crlf ? "\r\n" : "\n")
    }

    static func write(_ text: String, cp1251: Bool, to path: String) throws {
        let bytes = cp1251 ? CP1251.encode(text) : Array(text.utf8)
        try Data(bytes ?? []).write(to: URL(fileURLWithPath: path))
    }

    static func expect(_ condition: Bool, _ message: String) throws {
        if !condition { throw RoundTripFailure(kind: "registry import", message: message) }
    }

    /// A 1C client-bank statement text with these payment orders (number, date, amount).
    static func statement(_ orders: [(String, String, String)], end: Bool = true) -> String {
        var lines = [
            "1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=Windows", "ДатаНачала=01.11.2026",
            "ДатаКонца=30.11.2026", "РасчСчет=40702810472000000001",
        ]
        for (number, date, amount) in orders {
            lines += [
                "СекцияДокумент=Платежное поручение", "Номер=\(number)", "Дата=\(date)", "Сумма=\(amount)",
                "ПлательщикИНН=7707083893", "Плательщик=ПАО Сбербанк", "ПолучательСчет=40702810472000000001",
                "НазначениеПлатежа=Перечисление по реестру №\(number) от \(date)", "КонецДокумента",
            ]
        }
        if end { lines.append("КонецФайла") }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The registries' transfers against the bank's statements: 77 matches its order, 78 is
    /// transferred short by a rouble, an order without a registry is named; a broken statement
    /// is refused whole, every problem listed; a statement imported again adds nothing.
    static func bankStatements(_ connection: any Connection, period: BillingPeriod) throws {
        let importer = BankStatementImporter(connection: connection, bank: "sber")
        let text = statement([
            ("77", "06.11.2026", "4950.50"), ("78", "07.11.2026", "1484.00"), ("91", "20.11.2026", "10.00"),
        ])
        let first = try importer.importFile(bytes: CP1251.encode(text)!, name: "kl_to_1c.txt")
        try expect(first.orders == 3 && first.added == 3, "statement: \(first)")
        let again = try importer.importFile(bytes: Array(text.utf8), name: "kl_to_1c-utf8.txt")
        try expect(again.orders == 3 && again.added == 0, "a statement imported again added \(again.added)")
        do {
            _ = try importer.importFile(
                bytes: Array(statement([("92", "31.11.2026", "1,2,3")], end: false).utf8), name: "broken.txt")
            throw RoundTripFailure(kind: "statement", message: "a broken statement was accepted")
        } catch let error as BankFileError {
            try expect(
                error.problems.map(\.field) == ["Дата", "Сумма", "КонецФайла"], "statement problems: \(error.problems)")
        }
        let registries = try RegistryReconciliation.compute(connection: connection, period: period)
        try expect(registries[0].statement == Money(kopecks: 495_050), "registry 77's order: \(registries[0])")
        try expect(
            registries[1].differences.contains {
                $0
                    == "payment order 78: 1 484,00 in the bank statement, the registry's summary transfers 1 485,00 (difference -1,00)"
            }, "registry 78: \(registries[1].differences)")
        let orphans = try RegistryReconciliation.ordersWithoutRegistry(connection: connection, period: period)
        try expect(
            orphans == [
                "sber: payment order 91 of 2026-11-20, 10,00 (kl_to_1c.txt:25): no registry lists its payments"
            ],
            "orders without a registry: \(orphans)")
    }

    public static func registryImport(on connection: any Connection, in folder: TemporaryDirectory) throws {
        try BillingScenarios.loadRegion(connection, premises: 30, in: folder)
        guard
            let cw = try connection.first(
                """
                SELECT m.account_number, m.serial, COALESCE(MAX(r.value_milli), m.initial_reading_milli, 0) FROM meters m
                LEFT JOIN readings r ON r.principal_id = m.principal_id AND r.meter_serial = m.serial
                WHERE m.service_code = 'CW' GROUP BY m.account_number, m.serial, m.initial_reading_milli
                ORDER BY m.account_number LIMIT 1
                """)
        else { throw RoundTripFailure(kind: "registry import", message: "the region has no cold-water meter") }
        let account = try cw.string(0)
        // 5 m³ since the meter's last reading: under the ceiling of the rules every reading passes.
        let value = try cw.int64(2) + 5_000
        let reading = "\(value / 1_000).\(String(1_000 + value % 1_000).dropFirst())"
        let text = file(
            [
                line(
                    "op-1", account, paid: "1500.00", transferred: "1485.00", fee: "15.00",
                    extras: [
                        "CounterId_1:\(try cw.string(1))", "CounterVal_1:\(reading)", "CounterId_2:NOPE-1",
                        "CounterVal_2:1.000",
                    ]),
                line("op-2", "0100000002", paid: "200,50", transferred: "198,50", fee: "2,00"),
                line("op-3", "7499999999", paid: "3300.00", transferred: "3267.00", fee: "33.00"),
            ], summary: "=3;5000.50;4950.50;50.00;77;06-11-2026")
        let path = folder.file("sber-77.txt")
        try write(text, cp1251: true, to: path)
        let importer = RegistryImporter(connection: connection, bank: "sber", layout: .classic(.cp1251))
        let postingsBefore = try connection.scalar("SELECT COUNT(*) FROM postings")
        let summary = try importer.importFile(at: path)
        try expect(summary.payments == 2 && summary.amount == Money(kopecks: 170_050), "recorded \(summary)")
        try expect(summary.suspense == 1 && summary.suspenseAmount == Money(kopecks: 330_000), "suspense \(summary)")
        try expect(summary.readings == 1, "readings \(summary)")
        try expect(
            summary.readingsLeftOut == [
                "line 1: meter NOPE-1: meter-not-found: no meter NOPE-1 is registered on account \(account)"
            ],
            "\(summary.readingsLeftOut)")
        for operation in ["op-1", "op-2"] {
            guard
                let payment = try connection.first(
                    "SELECT id, amount FROM payments WHERE bank = 'sber' AND operation_id = ?", [operation])
            else { throw RoundTripFailure(kind: "registry import", message: "\(operation) was not stored") }
            let allocated = try connection.scalar(
                "SELECT -SUM(amount) FROM postings WHERE payment_id = ?", [try payment.int64(0)])
            try expect(allocated == (try payment.int64(1)), "\(operation): \(allocated) allocated")
        }
        try expect(
            try connection.scalar("SELECT COUNT(*) FROM readings WHERE channel = 'bank'") == 1,
            "one reading from the bank")
        let postingsAfter = try connection.scalar("SELECT COUNT(*) FROM postings")
        try expect(postingsAfter > postingsBefore, "no postings were added")
        try expect(try importer.importFile(at: path).alreadyImported, "the same registry was imported twice")
        let utf8Path = folder.file("sber-77-utf8.txt")
        try write(text, cp1251: false, to: utf8Path)
        let utf8 = try RegistryImporter(connection: connection, bank: "sber", layout: .classic(.utf8)).importFile(
            at: utf8Path)
        try expect(utf8.alreadyImported, "the same registry in UTF-8 was imported again")
        let overlapPath = folder.file("sber-78.txt")
        try write(
            file(
                [line("op-1", account, paid: "1500.00", transferred: "1485.00", fee: "15.00")],
                summary: "=1;1500.00;1485.00;15.00;78;07-11-2026"), cp1251: true, to: overlapPath)
        let second = try importer.importFile(at: overlapPath)
        try expect(second.payments == 0 && second.repeated == 1, "a recorded operation was doubled: \(second)")
        try expect(
            try connection.scalar("SELECT COUNT(*) FROM postings") == postingsAfter, "the journal grew on a retry")
        let conflictPath = folder.file("sber-77-other.txt")
        try write(
            file(
                [line("op-9", account, paid: "1.00", transferred: "1.00", fee: "0.00")],
                summary: "=1;1.00;1.00;0.00;77;06-11-2026"), cp1251: true, to: conflictPath)
        do {
            _ = try importer.importFile(at: conflictPath)
            throw RoundTripFailure(kind: "registry import", message: "a conflicting registry was accepted")
        } catch is BankFileError {}
        try expect(
            try connection.scalar("SELECT COUNT(*) FROM postings") == postingsAfter,
            "a refused registry stored postings")
        try expect(try connection.scalar("SELECT COUNT(*) FROM payment_suspense") == 1, "the suspense list changed")
        let november = BillingPeriod("2026-11")!
        // The registries of November against what was stored: 77 whole, 78 a repeat, named.
        let registries = try RegistryReconciliation.compute(connection: connection, period: november)
        try expect(registries.map(\.paymentOrder) == ["77", "78"], "registries \(registries.map(\.paymentOrder))")
        try expect(
            registries[0].recorded == Money(kopecks: 170_050) && registries[0].suspense == Money(kopecks: 330_000)
                && registries[0].differences.isEmpty, "registry 77: \(registries[0])")
        try expect(
            registries[1].repeated == Money(kopecks: 150_000) && registries[1].differences.count == 1
                && registries[1].differences[0].hasPrefix(
                    "line 1, operation op-1: 1 500,00 recorded before through another registry"),
            "registry 78: \(registries[1].differences)")
        try bankStatements(connection, period: november)
        _ = try BillingRun(
            database: Database(connection.location), period: november, asOf: CalendarDate(iso: "2026-12-01")!
        ).run()
        try expect(
            try ReceivablesLedger(database: Database(connection.location)).checkAll(period: november).problems.isEmpty,
            "November does not balance")
        // A payment changed behind the registry's back is named by registry and line.
        try connection.execute("UPDATE payments SET amount = amount + 1 WHERE bank = 'sber' AND operation_id = 'op-2'")
        let tampered = try RegistryReconciliation.compute(connection: connection, period: november)[0].differences
        try expect(
            tampered.first?.hasPrefix("line 2, operation op-2: 200,50 in the registry, the payment holds 200,51")
                == true,
            "\(tampered)")
    }
}
