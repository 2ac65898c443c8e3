import ArgumentParser
import Billing
import CommandLineSupport
import Core
import Foundation
import Intake
import Storage

extension ReconcileCommand {
    struct Debtors: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Debtors at the end of a period, per premises and principal, for collection work.",
            discussion: """
                Unpaid debt (payments applied to the period they were allocated to, else the \
                oldest), the oldest period owed, unpaid penalties, and with --aging the debt by days \
                past due on --as-of: not due, 0-30, 31-90, 91-180, over 180.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Billing period, YYYY-MM.") var period: BillingPeriod
        @Option(help: "Only this principal (INN).") var principal: String?
        @Option(help: "Only debts of at least this many roubles.") var minDebt: String = "0.01"
        @Flag(help: "Show the debt by days past due.") var aging = false
        @Option(help: "The day days past due are counted to (default: the 1st of the next month).") var asOf:
            CalendarDate?
        @Option(help: "table, csv, json or xml.") var format: ReportFormat = .table
        @OptionGroup var csv: CSVOptions

        func validate() throws {
            _ = try minimum()
        }

        /// `--min-debt` as money.
        func minimum() throws -> Money {
            guard let money = Money(parsing: minDebt) else {
                throw ValidationError("--min-debt must be an amount in roubles")
            }
            return money
        }

        func run() throws {
            var headers = ["Account", "Owner", "Owned until", "Address", "Principal", "Oldest", "Debt", "Penalties"]
            if aging { headers += ["Not due", "0-30", "31-90", "91-180", "Over 180"] }
            func cells(_ line: DebtorLine) -> [String] {
                var cells = [
                    line.account, line.owner, line.ownedUntil?.russian ?? "", line.address, line.principal,
                    line.oldestPeriod.description,
                    line.debt.formatted(), line.penalties.formatted(),
                ]
                if aging {
                    cells += [
                        line.aging.notDue, line.aging.upTo30, line.aging.upTo90, line.aging.upTo180, line.aging.over180,
                    ]
                    .map { $0.formatted() }
                }
                return cells
            }
            let ledger = ReceivablesLedger(database: try database.open()).reading()
            let asOf = asOf ?? period.next.firstDay
            let minimum = try minimum()
            if format == .csv {
                // Line by line as the ranges are read: a region's debtors need not fit in memory.
                print((csv.bom ? "\u{FEFF}" : "") + Table.csvLine(headers, separator: csv.separator.text))
                try ledger.debtors(period: period, asOf: asOf, principal: principal, minimumDebt: minimum) {
                    print(Table.csvLine(cells($0), separator: csv.separator.text))
                }
                return
            }
            var lines: [DebtorLine] = []
            try ledger.debtors(period: period, asOf: asOf, principal: principal, minimumDebt: minimum) {
                lines.append($0)
            }
            let debt = lines.reduce(Money.zero) { $0 + $1.debt }
            let penalties = lines.reduce(Money.zero) { $0 + $1.penalties }
            let table = Table(headers: headers, rows: lines.map(cells), rightAligned: Set(6..<headers.count))
            try emit(
                table, json: lines, name: "debtors", format: format, csv: csv,
                footer: "\(lines.count) debtors, debt \(debt.formatted()) руб., penalties \(penalties.formatted()) руб."
            )
        }
    }

    struct Act: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "A reconciliation act (акт сверки) with a principal, for one premises or all, with running balance.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The principal's INN.") var principal: String
        @Option(help: "One personal account (default: all the principal's premises, summed by day).") var account:
            String?
        @Option(help: "First day, YYYY-MM-DD.") var from: CalendarDate
        @Option(help: "Last day, YYYY-MM-DD.") var to: CalendarDate
        @Option(help: "table, csv, json or xml.") var format: ReportFormat = .table
        @OptionGroup var csv: CSVOptions

        func validate() throws {
            if to < from { throw ValidationError("--to is before --from") }
        }

        func run() throws {
            if let account {
                guard (try? PersonalAccountNumber(account)) != nil else {
                    throw ValidationError("--account \(account) is not a personal account number: 10 digits")
                }
                let known = try database.withConnection {
                    try $0.first("SELECT 1 FROM accounts WHERE number = ?", [account]) != nil
                }
                guard known else {
                    Terminal.error("Error: unknown account \(account)")
                    throw ExitCode(65)
                }
            }
            let act = try ReceivablesLedger(database: try database.open()).act(
                principal: principal, account: account, from: from, to: to)
            let rows =
                [["", "balance before \(from.russian)", "", "", act.opening.formatted()]]
                + act.entries.map {
                    [$0.day.russian, $0.kind, $0.period.description, $0.amount.formatted(), $0.balance.formatted()]
                }
                + [["", "balance at \(to.russian)", "", "", act.closing.formatted()]]
            let table = Table(
                headers: ["Day", "Movement", "Period", "Amount", "Balance"], rows: rows, rightAligned: [3, 4])
            if format == .table {
                print(
                    "Reconciliation act: \(principal)\(account.map { ", account \($0)" } ?? ", all premises"), \(from.russian) - \(to.russian)"
                )
            }
            try emit(table, json: act, name: "act", format: format, csv: csv)
            if format == .table, let owners = act.owners {
                let rows = owners.map { owner in
                    [
                        owner.owner, owner.from?.russian ?? "registered", owner.until?.russian ?? "now",
                        owner.debt.formatted(), owner.penalties.formatted(),
                    ]
                }
                print("\nUnpaid debt at \(to.russian) by owner:")
                print(
                    Table(
                        headers: ["Owner", "From", "Through", "Debt", "Penalties"], rows: rows, rightAligned: [3, 4]
                    )
                    .text())
            }
        }
    }

    struct Bank: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Banks' registries of a period against the payments stored from them.",
            discussion: """
                Each registry whose payment order is dated in the period: its summary (paid, \
                transferred, the bank's fee) against what each line became (a payment allocated to \
                the kopeck, a suspense entry, an operation recorded before), with what was reversed \
                of the recorded and assigned of the suspense since; every difference named by \
                registry and line; and each registry's transfer against its payment order in the \
                bank's statements (erc payments statement), with the statements' orders that no \
                registry accounts for. Exit 1 when there is a difference.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Billing period, YYYY-MM.") var period: BillingPeriod
        @Option(help: "table, csv, json or xml.") var format: ReportFormat = .table
        @OptionGroup var csv: CSVOptions

        func run() throws {
            try database.withConnection { connection in
                let registries = try RegistryReconciliation.compute(connection: connection, period: period)
                let orphans = try RegistryReconciliation.ordersWithoutRegistry(connection: connection, period: period)
                do {
                    let table = Table(
                        headers: [
                            "Bank", "Order", "Date", "Lines", "Paid", "Transferred", "Fee", "Recorded", "Reversed",
                            "Suspense", "Assigned", "Repeated", "Statement",
                        ],
                        rows: registries.map {
                            [
                                $0.bank, $0.paymentOrder, $0.orderDate.russian, String($0.lines), $0.total.formatted(),
                                $0.transferred.formatted(), $0.fee.formatted(), $0.recorded.formatted(),
                                $0.reversed.formatted(), $0.suspense.formatted(), $0.assigned.formatted(),
                                $0.repeated.formatted(), $0.statement?.formatted() ?? "not imported",
                            ]
                        }, rightAligned: Set(3...12))
                    if registries.isEmpty && format == .table {
                        print("No registry in \(period).")
                    } else {
                        try emit(table, json: registries, name: "bank", format: format, csv: csv)
                    }
                }
                let differences = registries.flatMap { registry in
                    registry.differences.map {
                        "\(registry.bank) order \(registry.paymentOrder) of \(registry.orderDate.russian): \($0)"
                    }
                }
                for difference in differences + orphans { Terminal.error(difference) }
                if !differences.isEmpty || !orphans.isEmpty { throw ExitCode(1) }
            }
        }
    }
}
