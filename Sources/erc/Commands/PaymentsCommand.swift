import ArgumentParser
import Billing
import CommandLineSupport
import Core
import Foundation
import Intake
import Principals
import Storage

struct PaymentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payments",
        abstract: "Banks' registries and statements, the suspense list, and payment corrections.",
        discussion: """
            Corrections (assign, reverse, refund) each post in the first open period from the \
            payment's own (or the refund's day); each is idempotent: the same request again \
            changes nothing. A correction that cannot apply is refused (exit 65) and stores \
            nothing. The statements of the period follow at the next erc bill, as for any payment \
            (erc reconcile check names the premises until then).
            """,
        subcommands: [Import.self, Statement.self, Suspense.self, Assign.self, Reverse.self, Refund.self])

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
                    if added > 0 {
                        try Audit.record(
                            connection, "erc payments statement", "bank-statement", id: bank,
                            after: "\(added) of \(orders) payment orders new", source: Audit.file(file))
                    }
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
                id;account;payer;address;period MMYY;paid;transferred;fee[;CounterId_N:..;CounterVal_N:..]\
                [;Principal:INN][;Service:CODE] (the principal and service the payer designated, paid first), \
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

        func validate() throws {
            // The sources erc's own corrections are recorded under.
            if ["refund", "reversal", "reassigned"].contains(bank.lowercased()) || bank.allSatisfy(\.isWhitespace) {
                throw ValidationError(
                    "--bank \(bank): name the bank by its code (refund, reversal and reassigned are erc's own)")
            }
        }

        func run() throws {
            try database.withConnection { connection in
                let importer = RegistryImporter(connection: connection, bank: bank, layout: .classic(encoding))
                try importEach(files) { file in
                    let s = try importer.importFile(at: file)
                    if s.alreadyImported {
                        print("\(s.file): payment order \(s.paymentOrder) was imported before; nothing changed")
                        return
                    }
                    try connection.withTransaction {
                        let source = Audit.file(file)
                        try Audit.record(
                            connection, "erc payments import", "registry", id: "\(bank) \(s.paymentOrder)",
                            after: "\(s.payments) payments, \(s.amount) руб.; \(s.suspense) to suspense",
                            source: source)
                        // Each payment it brought, under its account, for erc audit --account.
                        for row in try connection.all(
                            """
                            SELECT y.id, y.account_number, y.amount, y.operation_id FROM payments y
                            JOIN bank_registries r ON r.id = y.registry_id
                            WHERE r.bank = ? AND r.payment_order = ? AND y.kind = 'payment' ORDER BY y.id
                            """, [bank, s.paymentOrder])
                        {
                            try Audit.record(
                                connection, "erc payments import", "payment", id: String(try row.int64(0)),
                                account: try row.string(1),
                                after: "\(try row.money(2).formatted()) руб., operation \(try row.string(3))",
                                source: source)
                        }
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
            abstract: "Payments waiting in suspense: their accounts belong to no premises.",
            discussion: "Assign one with erc payments assign; --all lists the assigned ones too, with their payment.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "table, csv or json.") var format: OutputFormat = .table
        @Flag(help: "Also the entries assigned already.") var all = false

        struct Row: Encodable {
            var bank: String
            var operation: String
            var paidOn: String
            var account: String
            var payer: String
            var amount: String
            var reason: String
            var assigned: String?
        }

        func run() throws {
            let rows = try database.withConnection { try SuspenseList(connection: $0).entries(all: all) }.map {
                Row(
                    bank: $0.bank, operation: $0.operation, paidOn: "\($0.paidOn)", account: $0.account,
                    payer: $0.payer,
                    amount: $0.amount.formatted(), reason: $0.reason,
                    assigned: $0.assignedPayment.map { "payment \($0)" })
            }
            var headers = ["Bank", "Operation", "Paid on", "Account", "Payer", "Amount", "Reason"]
            if all { headers.append("Assigned") }
            let table = Table(
                headers: headers,
                rows: rows.map {
                    [$0.bank, $0.operation, $0.paidOn, $0.account, $0.payer, $0.amount, $0.reason]
                        + (all ? [$0.assigned ?? ""] : [])
                },
                rightAligned: [5])
            switch format {
            case .table: print(rows.isEmpty ? "No payment is in suspense." : table.text())
            case .csv: print(table.csv())
            case .json: print(try json(rows))
            }
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a payment out of suspense: record it for the account it was meant for.",
            discussion: """
                The entry is named by its bank and operation (erc payments suspense). The payment is \
                recorded as if it had arrived for --account on the day it was paid, with the period \
                the payer named: split between the account's principals as any payment, penalties \
                counted to that day. The entry stays in the list (--all), naming the payment. \
                Assigning it again to the same account changes nothing; to another account, refused \
                (reverse the payment first).
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The bank, as imported (--bank of erc payments import).") var bank: String
        @Option(help: "The bank's operation id.") var operation: String
        @Option(help: "The personal account it was meant for, 10 digits.") var account: PersonalAccountNumber
        @Option(help: "Why (the payer's letter, a call): kept with the entry.") var reason: String

        func validate() throws {
            if reason.allSatisfy(\.isWhitespace) { throw ValidationError("--reason: say why the payment is assigned") }
        }

        func run() throws {
            let recorded = try database.withConnection { connection in
                try connection.withTransaction {
                    let recorded = try SuspenseList(connection: connection).assign(
                        bank: bank, operation: operation, account: account, reason: reason)
                    if !recorded.wasRecordedBefore {
                        try Audit.record(
                            connection, "erc payments assign", "payment", id: String(recorded.id),
                            account: account.value, before: "suspense \(bank) \(operation)",
                            after: "payment \(recorded.id)",
                            source: reason)
                    }
                    return recorded
                }
            }
            let total = recorded.allocations.reduce(Money.zero) { $0 + $1.amount }
            print(
                recorded.wasRecordedBefore
                    ? "Operation \(operation) of \(bank) was assigned to \(account.value) before (payment \(recorded.id)): nothing changed."
                    : "Operation \(operation) of \(bank) recorded for \(account.value) as payment \(recorded.id): "
                        + "\(total.formatted()) руб. in \(recorded.period), \(recorded.allocations.count) parts.")
        }
    }

    struct Reverse: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reverse a payment (a bank's recall, a payment to a wrong account).",
            discussion: """
                Posts the opposite of each of its parts, dated as the payment was (for penalties it \
                was never paid), in the first open period from the one it was posted in; the \
                payment stays in the journal. A payment already paid out to principals is owed back \
                by them: erc reconcile payouts shows it. Reversing it again changes nothing.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The bank (or source) the payment came from.") var bank: String
        @Option(help: "Its operation id.") var operation: String
        @Option(help: "Why: kept with the reversal.") var reason: String

        func validate() throws {
            if reason.allSatisfy(\.isWhitespace) { throw ValidationError("--reason: say why the payment is reversed") }
        }

        func run() throws {
            let reversal = try database.withConnection { connection in
                try connection.withTransaction {
                    let reversal = try PaymentBook(connection: connection).reverse(
                        source: bank, operationId: operation, reason: reason)
                    if !reversal.wasRecordedBefore {
                        let account = try connection.first(
                            "SELECT account_number FROM payments WHERE id = ?", [reversal.id])?.string(0)
                        try Audit.record(
                            connection, "erc payments reverse", "payment", id: "\(bank) \(operation)", account: account,
                            after: "reversed in \(reversal.period): \(reversal.amount.formatted()) руб.", source: reason
                        )
                    }
                    return reversal
                }
            }
            print(
                reversal.wasRecordedBefore
                    ? "Operation \(operation) of \(bank) was reversed before (in \(reversal.period)): nothing changed."
                    : "Operation \(operation) of \(bank) reversed in \(reversal.period): \(reversal.amount.formatted()) руб."
            )
        }
    }

    struct Refund: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refund an overpayment to the payer, with its payment order for the bank.",
            discussion: """
                Takes --amount from the advance of one principal's service on --account (what was \
                paid beyond every debt, less unpaid penalties; more is refused), posts it in the \
                first open period from --on, and writes the payment order from the center's \
                account (erc center show) to --to-account in the 1C client-bank exchange format \
                (Windows-1251), which the bank client imports. The request is known by --request-id \
                (default: made of the account, principal, service, amount, payee's account and \
                reason): the same request again changes nothing and writes the same order again.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Personal account, 10 digits.") var account: PersonalAccountNumber
        @Option(help: "The principal's INN.") var principal: String
        @Option(help: "The service's code.") var service: String
        @Option(help: "Roubles, e.g. 150,00.") var amount: Money
        @Option(help: "The payer's account, 20 digits.") var toAccount: String
        @Option(help: "The payer's bank's BIC.") var bic: String
        @Option(help: "The payer's name, as the bank knows it.") var payee: String
        @Option(help: "The payer's INN, if known.") var payeeInn: String?
        @Option(help: "The payer's bank's name, for the order.") var bankName: String?
        @Option(help: "The payer's bank's correspondent account, for the order.") var correspondentAccount: String?
        @Option(help: "Why (the payer's application): in the order's purpose.") var reason: String
        @Option(help: "The refund's day, YYYY-MM-DD (default: today).") var on: CalendarDate?
        @Option(help: "The request's own id (default: from its fields).") var requestId: String?
        @Option(help: "The payment order file (default: refund-<number>.txt).") var out: String?

        func validate() throws {
            var problems: [String] = []
            if amount.kopecks <= 0 { problems.append("--amount: a refund is more than zero") }
            do {
                let bic = try BIC(bic)
                do {
                    _ = try BankAccount(toAccount, bic: bic)
                } catch { problems.append("--to-account: \(error)") }
            } catch { problems.append("--bic: \(error)") }
            if let payeeInn {
                do { _ = try INN(payeeInn) } catch { problems.append("--payee-inn: \(error)") }
            }
            for (option, text) in [("--payee", payee), ("--reason", reason)] where text.allSatisfy(\.isWhitespace) {
                problems.append("\(option): is empty")
            }
            for (option, text) in [("--payee", payee), ("--reason", reason), ("--bank-name", bankName ?? "")] {
                if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                    problems.append("\(option): has a control character (a line break, a tab)")
                } else if CP1251.encode(text) == nil {
                    problems.append("\(option): has a character the bank's Windows-1251 file cannot carry")
                }
            }
            if payee.count > 160 { problems.append("--payee: more than 160 characters") }
            // The order's purpose holds at most 210 characters.
            let purpose = "Возврат переплаты по ЛС \(account.value) (\(service)): \(reason). Без НДС"
            if purpose.count > 210 {
                problems.append("--reason: the purpose would be \(purpose.count) characters, a payment order takes 210")
            }
            if let on, on > CenterCalendar.today {
                problems.append("--on \(on): a refund is made today or was made before, not later")
            }
            if let correspondentAccount, let bic = try? BIC(bic) {
                do { _ = try BankAccount(correspondent: correspondentAccount, bic: bic) } catch {
                    problems.append("--correspondent-account: \(error)")
                }
            }
            if !problems.isEmpty { throw ValidationError(problems.joined(separator: "\n")) }
        }

        func run() throws {
            let bic = try BIC(bic)
            let request = RefundRequest(
                account: account, principalINN: principal, serviceCode: service, amount: amount, payee: payee,
                payeeINN: payeeInn, payeeAccount: try BankAccount(toAccount, bic: bic), payeeBIC: bic, reason: reason,
                on: on ?? CenterCalendar.today,
                requestId: requestId
                    ?? "\(account.value)-\(principal)-\(service)-\(amount.kopecks)-\(toAccount)-"
                    + String(SHA256.hex(Array(reason.utf8)).prefix(8)))
            if let out {
                // A file of its own: never a folder, a device or a link renamed over.
                var info = stat()
                if lstat(out, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
                    throw OutputError(path: out, reason: "is not a regular file; name a new file")
                }
                try OutputFolder.prepare(URL(fileURLWithPath: out).deletingLastPathComponent().path)
            }
            let refund = try database.withConnection { connection in
                // The payee's bank is named on the order: given, or the center's own.
                if bankName == nil || correspondentAccount == nil,
                    try CenterBook(connection: connection).required(on: request.on).bankDetails.bic != bic
                {
                    throw ValidationError(
                        "--bank-name and --correspondent-account: the payee's bank is not the center's; name it")
                }
                return try connection.withTransaction {
                    let refund = try PaymentBook(connection: connection).refund(request)
                    if !refund.wasRecordedBefore {
                        try Audit.record(
                            connection, "erc payments refund", "refund", id: refund.order.map { "order \($0.number)" },
                            account: request.account.value, principal: request.principalINN,
                            after: "\(request.amount.formatted()) руб. to \(request.payeeAccount)",
                            source: request.reason)
                    }
                    return refund
                }
            }
            guard let order = refund.order,
                let bytes = PaymentOrderFile.bytes(order, payeeBank: bankName, payeeCorrespondent: correspondentAccount)
            else {
                throw OutputError(path: out ?? "refund", reason: "the payment order has no Windows-1251 form")
            }
            let path = out ?? "refund-\(order.number).txt"
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw OutputError(
                    path: path,
                    reason:
                        "\(error.localizedDescription); the refund is recorded: run the same command again to write it")
            }
            print(
                (refund.wasRecordedBefore
                    ? "Refund recorded before (nothing changed); its "
                    : "Refunded \(amount.formatted()) руб. in \(refund.period); ")
                    + "payment order № \(order.number) of \(order.date.russian) written to \(path)")
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
