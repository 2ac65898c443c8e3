import ArgumentParser
import CommandLineSupport
import Core
import Foundation
import Intake
import Storage

struct PaymentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payments",
        abstract: "Banks' registries of accepted payments and statements, and the suspense list.",
        subcommands: [Import.self, Statement.self, Suspense.self])

    struct Statement: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a bank's statements (1C client-bank exchange) for reconciliation with its registries.",
            discussion: """
                1CClientBankExchange text, CP1251 (Кодировка=Windows) or UTF-8: every \
                СекцияДокумент..КонецДокумента section is a payment order (Номер, Дата DD.MM.YYYY, \
                Сумма). A file with a problem is refused whole, every problem listed (exit 65). Each \
                order is kept once by bank, number and date; erc reconcile bank sets them against the \
                registries' summaries.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The bank the statements come from (its code in erc, as for its registries).") var bank: String
        @Argument(help: "Statement files.") var files: [String]

        func run() throws {
            try database.withConnection { connection in
                let importer = BankStatementImporter(connection: connection, bank: bank)
                try importEach(files) { file in
                    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
                    let (orders, added) = try importer.importFile(
                        bytes: bytes, name: (file as NSString).lastPathComponent)
                    print("\(file): \(orders) payment orders, \(added) new")
                }
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import banks' registries of accepted payments, each all or nothing.",
            discussion: """
                The classic layout (DOMAIN.md 5.2): date;time;branch;sub-branch;cashier;operation \
                id;account;payer;address;period MMYY;paid;transferred;fee[;CounterId_N:..;CounterVal_N:..], \
                then =count;paid;transferred;fee;payment order;order date. Every line and the summary \
                are checked first; one problem refuses the file (exit 65, every problem listed, \
                nothing stored). Payments for known accounts are recorded and allocated to the \
                principals (idempotent by bank and operation id), payments for unknown accounts go \
                to the suspense list (erc payments suspense), readings passed with payments are \
                stored where the meter is on that account. The same payment order again adds nothing.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The bank the registries come from (its code in erc): part of every operation's identity.")
        var bank: String
        @Option(help: "The bank's registry charset: cp1251 or utf8.") var encoding: RegistryLayout.Encoding = .cp1251
        @Argument(help: "Registry files, in order.") var files: [String]

        func run() throws {
            try database.withConnection { connection in
                let importer = RegistryImporter(connection: connection, bank: bank, layout: .classic(encoding))
                try importEach(files) { file in
                    let s = try importer.importFile(at: file)
                    if s.alreadyImported {
                        print("\(s.file): payment order \(s.paymentOrder) was imported before; nothing changed")
                        return
                    }
                    var line = "\(s.file): payment order \(s.paymentOrder): \(s.payments) payments, \(s.amount) руб."
                    if s.suspense > 0 { line += "; \(s.suspense) to suspense, \(s.suspenseAmount) руб." }
                    if s.repeated > 0 { line += "; \(s.repeated) recorded before, not doubled" }
                    if s.readings > 0 { line += "; \(s.readings) readings" }
                    print(line)
                    for left in s.readingsLeftOut { Terminal.error("\(s.file): reading left out: \(left)") }
                }
            }
        }
    }

    struct Suspense: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Payments waiting in suspense: their accounts belong to no premises.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        struct Row: Encodable {
            var bank: String
            var operation: String
            var paidOn: String
            var account: String
            var payer: String
            var amount: String
            var reason: String
        }

        func run() throws {
            let rows = try database.withConnection {
                try $0.all(
                    """
                    SELECT bank, operation_id, paid_on, account, payer, amount, reason FROM payment_suspense
                    ORDER BY paid_on, bank, operation_id
                    """
                ).map {
                    Row(
                        bank: try $0.string(0), operation: try $0.string(1), paidOn: try $0.string(2),
                        account: try $0.string(3),
                        payer: try $0.string(4), amount: try $0.money(5).formatted(), reason: try $0.string(6))
                }
            }
            let table = Table(
                headers: ["Bank", "Operation", "Paid on", "Account", "Payer", "Amount", "Reason"],
                rows: rows.map { [$0.bank, $0.operation, $0.paidOn, $0.account, $0.payer, $0.amount, $0.reason] },
                rightAligned: [5])
            switch format {
            case .table: print(rows.isEmpty ? "No payment is in suspense." : table.text())
            case .csv: print(table.csv())
            case .json: print(try json(rows))
            }
        }
    }
}

/// Imports each file with `body`; a file refused (every problem printed) does not stop the
/// others; exit 65 when one was.
func importEach(_ files: [String], _ body: (String) throws -> Void) throws {
    var rejected = 0
    for file in files {
        do {
            try body(file)
        } catch let error as BankFileError {
            rejected += 1
            Terminal.error(error.description)
        }
    }
    if rejected > 0 {
        Terminal.error("\(rejected) of \(files.count) files rejected.")
        throw ExitCode(65)
    }
}
