import Billing
import Core
import ERCTestSupport
import ExchangeConformance
import Foundation
import Intake
import Storage
import Testing

@Suite("Banks' registries of accepted payments")
struct RegistryImporterTests {
    /// A classic registry line; amounts with a decimal point or comma.
    static func line(
        _ operation: String, _ account: String, paid: String, transferred: String, fee: String, period: String = "1026",
        extras: [String] = []
    ) -> String {
        (["05-11-2026", "10-15-32", "8597", "0100", "12", operation, account, "Иванов Иван Иванович",
          "г. Челябинск, ул. Кирова, д. 10, кв. 15", period, paid, transferred, fee] + extras).joined(separator: ";")
    }

    static func file(_ lines: [String], summary: String, crlf: Bool = true) -> String {
        (lines + [summary]).joined(separator: crlf ? "\r\n" : "\n") + (crlf ? "\r\n" : "\n")
    }

    @Test func aClassicRegistryReadsInCP1251AndUTF8Alike() throws {
        let text = Self.file(
            [
                Self.line("1", "0100000001", paid: "5123.45", transferred: "5072.22", fee: "51.23",
                          extras: ["CounterId_1:CW0100000001", "CounterVal_1:00123.450"]),
                Self.line("2", "0100000002", paid: "2870,10", transferred: "2841,40", fee: "28,70", period: "0926"),
            ], summary: "=2;7993.55;7913.62;79.93;1123;06-11-2026")
        let cp1251 = try BankRegistry.parse(try #require(CP1251.encode(text)), layout: .classic(.cp1251), file: "r.txt")
        let utf8 = try BankRegistry.parse([0xEF, 0xBB, 0xBF] + Array(text.utf8), layout: .classic(.utf8), file: "r.txt")
        #expect(cp1251 == utf8)
        #expect(cp1251.payments.map(\.paid) == [Money(kopecks: 512_345), Money(kopecks: 287_010)])
        #expect(cp1251.payments[1].period == BillingPeriod("2026-09"))
        #expect(cp1251.payments[0].readings == [.init(meter: "CW0100000001", valueMilli: 123_450)])
        #expect(cp1251.payments[0].payer == "Иванов Иван Иванович")
        #expect(cp1251.paymentOrder == "1123")
    }

    @Test func everyProblemIsListedWithItsLineAndField() throws {
        let text = Self.file(
            [
                Self.line("1", "0100000001", paid: "5123.45", transferred: "5072.22", fee: "51.23"),
                Self.line("1", "0100000002", paid: "12,3,4", transferred: "0", fee: "0"),
                "31-13-2026;10-00-00;8597;0100;12;3;0100000003;Петров;адрес;1026;10.00;9.90;0.10",
            ], summary: "=4;5000.00;5072.22;51.23;1123;06-11-2026")
        do {
            _ = try BankRegistry.parse(Array(text.utf8), layout: .classic(.utf8), file: "bad.txt")
            Issue.record("a bad registry was read")
        } catch {
            let lines = error.description.split(separator: "\n").map(String.init)
            #expect(lines.contains("bad.txt:2: operation id: 1 appears on line 1 too"))
            #expect(lines.contains("bad.txt:2: paid: '12,3,4' is not an amount"))
            #expect(lines.contains("bad.txt:3: date: '31-13-2026' is not a date DD-MM-YYYY"))
            #expect(lines.contains("bad.txt:4: count: says 4 payments, the file has 3"))
        }
        // Bytes that are not in the bank's charset refuse the file.
        #expect(throws: RegistryError.self) {
            try BankRegistry.parse([0x98] + Array(text.utf8), layout: .classic(.cp1251), file: "x.txt")
        }
    }

    @Test("payments recorded and allocated, unknown accounts in suspense, readings taken, nothing doubled")
    func importsIntoARegion() throws {
        let folder = try TemporaryDirectory("erc-registry")
        let connection = try DatabaseLocation.sqlite(path: folder.file("erc.sqlite")).open()
        try BillingScenarios.loadRegion(connection, premises: 30, in: folder)
        let cw = try #require(try connection.first("SELECT account_number, serial, COALESCE(initial_reading_milli, 0) FROM meters WHERE service_code = 'CW' ORDER BY account_number"))
        let account = try cw.string(0)
        let reading = String(format: "%.3f", Double(try cw.int64(2) + 250_000) / 1000)
        let text = Self.file(
            [
                Self.line("op-1", account, paid: "1500.00", transferred: "1485.00", fee: "15.00",
                          extras: ["CounterId_1:\(try cw.string(1))", "CounterVal_1:\(reading)", "CounterId_2:NOPE-1", "CounterVal_2:1.000"]),
                Self.line("op-2", "0100000002", paid: "200,50", transferred: "198,50", fee: "2,00"),
                Self.line("op-3", "7499999999", paid: "3300.00", transferred: "3267.00", fee: "33.00"),
            ], summary: "=3;5000.50;4950.50;50.00;77;06-11-2026")
        let path = folder.file("sber-77.txt")
        try Data(try #require(CP1251.encode(text))).write(to: URL(fileURLWithPath: path))
        let importer = RegistryImporter(connection: connection, bank: "sber", layout: .classic(.cp1251))
        let postingsBefore = try connection.scalar("SELECT COUNT(*) FROM postings")
        let summary = try importer.importFile(at: path)
        #expect(summary.payments == 2)
        #expect(summary.amount == Money(kopecks: 170_050))
        #expect(summary.suspense == 1 && summary.suspenseAmount == Money(kopecks: 330_000))
        #expect(summary.readings == 1)
        #expect(summary.readingsLeftOut == ["line 1: meter NOPE-1 is not on account \(account)"])
        // Each payment allocated to the kopeck, for the period it named.
        for operation in ["op-1", "op-2"] {
            let payment = try #require(try connection.first("SELECT id, amount FROM payments WHERE bank = 'sber' AND operation_id = ?", [operation]))
            #expect(try connection.scalar("SELECT -SUM(amount) FROM postings WHERE payment_id = ?", [try payment.int64(0)]) == (try payment.int64(1)))
        }
        #expect(try connection.scalar("SELECT COUNT(*) FROM readings WHERE channel = 'bank'") == 1)
        let postingsAfter = try connection.scalar("SELECT COUNT(*) FROM postings")
        // The same registry again, even re-encoded in UTF-8: nothing new.
        let again = try importer.importFile(at: path)
        #expect(again.alreadyImported)
        let utf8Path = folder.file("sber-77-utf8.txt")
        try Data(text.utf8).write(to: URL(fileURLWithPath: utf8Path))
        #expect(try RegistryImporter(connection: connection, bank: "sber", layout: .classic(.utf8)).importFile(at: utf8Path).alreadyImported)
        // Another registry carrying an operation recorded before: not doubled.
        let overlapping = Self.file(
            [Self.line("op-1", account, paid: "1500.00", transferred: "1485.00", fee: "15.00")],
            summary: "=1;1500.00;1485.00;15.00;78;07-11-2026")
        let overlapPath = folder.file("sber-78.txt")
        try Data(try #require(CP1251.encode(overlapping))).write(to: URL(fileURLWithPath: overlapPath))
        let second = try importer.importFile(at: overlapPath)
        #expect(second.payments == 0 && second.repeated == 1)
        #expect(try connection.scalar("SELECT COUNT(*) FROM postings") == postingsAfter)
        #expect(postingsAfter > postingsBefore)
        // The same payment order with other payments is refused, and stores nothing.
        let conflicting = Self.file(
            [Self.line("op-9", account, paid: "1.00", transferred: "1.00", fee: "0.00")],
            summary: "=1;1.00;1.00;0.00;77;06-11-2026")
        let conflictPath = folder.file("sber-77-other.txt")
        try Data(try #require(CP1251.encode(conflicting))).write(to: URL(fileURLWithPath: conflictPath))
        #expect(throws: RegistryError.self) { try importer.importFile(at: conflictPath) }
        #expect(try connection.scalar("SELECT COUNT(*) FROM postings") == postingsAfter)
        #expect(try connection.scalar("SELECT COUNT(*) FROM payment_suspense") == 1)
        // The books still balance with the payments in.
        _ = try BillingRun(connection: connection, period: BillingPeriod("2026-11")!, asOf: CalendarDate(iso: "2026-12-01")!).run()
        #expect(try ReceivablesLedger(connection: connection).check(period: BillingPeriod("2026-11")!).isEmpty)
    }
}
