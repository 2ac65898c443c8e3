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
    static func line(
        _ operation: String, _ account: String, paid: String, transferred: String, fee: String, period: String = "1026",
        extras: [String] = []
    ) -> String {
        IntakeScenarios.line(
            operation, account, paid: paid, transferred: transferred, fee: fee, period: period, extras: extras)
    }

    static func file(_ lines: [String], summary: String, crlf: Bool = true) -> String {
        IntakeScenarios.file(lines, summary: summary, crlf: crlf)
    }

    @Test func aClassicRegistryReadsInCP1251AndUTF8Alike() throws {
        let text = Self.file(
            [
                Self.line(
                    "1", "0100000001", paid: "5123.45", transferred: "5072.22", fee: "51.23",
                    extras: ["CounterId_1:CW0100000001", "CounterVal_1:00123.450"]),
                Self.line("2", "0100000002", paid: "2870,10", transferred: "2841,40", fee: "28,70", period: "0926"),
            ], summary: "=2;7993.55;7913.62;79.93;1123;06-11-2026")
        let cp1251 = try BankRegistry.parse(try #require(CP1251.encode(text)), layout: .classic(.cp1251), file: "r.txt")
        let utf8 = try BankRegistry.parse(
            [0xEF, 0xBB, 0xBF] + Array(text.utf8), layout: .classic(.utf8), file: "r.txt")
        #expect(cp1251 == utf8)
        #expect(cp1251.payments.map(\.paid) == [Money(kopecks: 512_345), Money(kopecks: 287_010)])
        #expect(cp1251.payments[1].period == BillingPeriod("2026-09"))
        #expect(cp1251.payments[0].readings == [.init(meter: "CW0100000001", valueMilli: 123_450)])
        #expect(cp1251.payments[0].payer == "Иванов Иван Иванович")
        #expect(cp1251.paymentOrder == "1123")
    }

    @Test func aWrongFooterTotalRefusesTheFile() throws {
        let text = Self.file(
            [
                Self.line("1", "0100000001", paid: "5123.45", transferred: "5072.22", fee: "51.23"),
                Self.line("2", "0100000002", paid: "100.00", transferred: "99.00", fee: "1.00"),
            ], summary: "=2;5223.46;5171.22;52.23;1123;06-11-2026")
        do {
            _ = try BankRegistry.parse(Array(text.utf8), layout: .classic(.utf8), file: "total.txt")
            Issue.record("a registry whose footer does not add up was read")
        } catch {
            #expect(error.description.contains("total.txt:3: total paid: says 5223.46, the lines add up to 5223.45"))
            #expect(!error.description.contains("total transferred") && !error.description.contains("total fee"))
        }
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
        #expect(throws: BankFileError.self) {
            try BankRegistry.parse([0x98] + Array(text.utf8), layout: .classic(.cp1251), file: "x.txt")
        }
    }

    @Test("a payment dated after the registry's payment order, or before 2000, is refused by its line")
    func impossibleDatesAreRefused() throws {
        let text = Self.file(
            [
                Self.line("1", "0100000001", paid: "100.00", transferred: "99.00", fee: "1.00"),
                "05-11-2030;10-00-00;8597;0100;12;2;0100000001;Иванов;адрес;1026;100.00;99.00;1.00",
                "05-11-1999;10-00-00;8597;0100;12;3;0100000001;Иванов;адрес;1026;100.00;99.00;1.00",
            ], summary: "=3;300.00;297.00;3.00;1123;06-11-2026")
        do {
            _ = try BankRegistry.parse(Array(text.utf8), layout: .classic(.utf8), file: "dates.txt")
            Issue.record("a registry with impossible dates was read")
        } catch {
            let lines = error.description.split(separator: "\n").map(String.init)
            #expect(
                lines.contains(
                    "dates.txt:2: date: paid on 2030-11-05, after the registry's payment order of 2026-11-06"),
                "\(lines)")
            #expect(
                lines.contains("dates.txt:3: date: 1999-11-05 is before 2000, outside the periods erc keeps"),
                "\(lines)")
            #expect(lines.count == 2)
        }
    }

    @Test("payments recorded and allocated, unknown accounts in suspense, readings taken, nothing doubled")
    func importsIntoARegion() throws {
        let folder = try TemporaryDirectory("erc-registry")
        try IntakeScenarios.registryImport(
            on: try DatabaseLocation.sqlite(path: folder.file("erc.sqlite")).open(), in: folder)
    }
}

@Suite("Meter readings from every channel")
struct ReadingIntakeTests {
    @Test("one per channel, every rejection, retries stored once, duplicates linked, late ones moved")
    func readings() throws {
        let folder = try TemporaryDirectory("erc-readings")
        try ReadingScenarios.run(on: try DatabaseLocation.sqlite(path: folder.file("erc.sqlite")).open(), in: folder)
    }
}
