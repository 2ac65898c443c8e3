import ArgumentParser
import Billing
import CommandLineSupport
import Core
import Foundation
import Principals
import Storage

struct ReconcileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile", abstract: "Reconciliation reports over the journal.",
        subcommands: [
            Check.self, Turnover.self, AgingReport.self, Debtors.self, Payouts.self, AgentReportCommand.self, Act.self,
            Bank.self,
        ])

    struct Payouts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What the center owes each principal for a period, and the payment orders for the bank.",
            discussion: """
                For each principal with money collected in the period: payments, collected (net of the \
                payments reversed and the advances refunded in the period, shown apart), the fee under \
                its agreement (as in its agent's report), the payout, and its bank requisites; a \
                principal whose reversals exceed what it collected owes the difference back. The \
                totals, and a check that payouts plus fees equal the money taken (exit 1 if not).
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Billing period, YYYY-MM.") var period: BillingPeriod
        @Option(help: "table, csv, json or xml.") var format: ReportFormat = .table
        @OptionGroup var csv: CSVOptions
        @Option(help: "Also write the payment orders for the bank to this CSV file.") var orders: String?

        /// One payment order a principal: recipient, its requisites, the sum and the purpose.
        func writeOrders(_ payouts: [Payout], to path: String) throws {
            let table = Table(
                headers: ["Recipient", "INN", "KPP", "Account", "BIC", "Bank", "Amount", "Purpose"],
                rows: payouts.filter { $0.payout.kopecks > 0 }.map {
                    [
                        $0.name, $0.inn, $0.kpp, $0.account, $0.bic, $0.bankName, $0.payout.decimalString,
                        "Перечисление средств по агентскому договору \($0.agreement) за \(period.russianName), без НДС",
                    ]
                })
            try Data(("\u{FEFF}" + table.csv(separator: ";")).utf8).write(
                to: URL(fileURLWithPath: path), options: .atomic)
        }

        func run() throws {
            try database.withConnection { connection in
                let payouts = try PayoutReport.compute(connection: connection, period: period)
                let taken = try PayoutReport.moneyTaken(connection: connection, period: period)
                let collected = payouts.reduce(Money.zero) { $0 + $1.collected }
                let fees = payouts.reduce(Money.zero) { $0 + $1.fee }
                let paid = payouts.reduce(Money.zero) { $0 + $1.payout }
                do {
                    let rows =
                        payouts.map {
                            [
                                $0.inn, $0.name, $0.agreement, String($0.payments), $0.collected.formatted(),
                                $0.reversed.formatted(), $0.refunded.formatted(), $0.fee.formatted(),
                                $0.payout.kopecks < 0 ? "owes back \((-$0.payout).formatted())" : $0.payout.formatted(),
                                "\($0.account) \($0.bic)",
                            ]
                        } + [
                            [
                                "Total", "", "", String(payouts.reduce(0) { $0 + $1.payments }), collected.formatted(),
                                payouts.reduce(Money.zero) { $0 + $1.reversed }.formatted(),
                                payouts.reduce(Money.zero) { $0 + $1.refunded }.formatted(), fees.formatted(),
                                paid.formatted(), "",
                            ]
                        ]
                    let table = Table(
                        headers: [
                            "INN", "Principal", "Agreement", "Payments", "Collected", "Reversed", "Refunded", "Fee",
                            "Payout", "Account, BIC",
                        ],
                        rows: rows, rightAligned: [3, 4, 5, 6, 7, 8])
                    try emit(table, json: payouts, name: "payouts", format: format, csv: csv)
                }
                if let orders {
                    try writeOrders(payouts, to: orders)
                }
                guard paid + fees == taken else {
                    Terminal.error("payouts \(paid) + fees \(fees) differ from the money taken, \(taken)")
                    throw ExitCode(1)
                }
                if format == .table { print("Payouts + fees = money taken: \(paid) + \(fees) = \(taken) руб.") }
            }
        }
    }

    struct AgentReportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "agent-report",
            abstract: "The agent's report to a principal: money collected for it, the fee, the payout.",
            discussion: """
                Printed per service; --xml FILE also writes it as the principal's agent-report file \
                (agent-report-1.xsd).
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Billing period, YYYY-MM.") var period: BillingPeriod
        @Option(help: "The principal's INN.") var principal: String
        @Option(help: "Also write the agent-report XML file here.") var xml: String?

        func run() throws {
            try database.withConnection { connection in
                let report = try PrincipalSettlements(connection: connection, inn: principal).agentReport(
                    period: period)
                print(
                    "Agent's report to \(principal) for \(period), agreement \(report.agreementNumber), fee \(report.feeRule)"
                )
                let rows =
                    report.lines.map {
                        [
                            $0.serviceCode, String($0.payments), $0.collected.formatted(), $0.fee.formatted(),
                            $0.payout.formatted(),
                        ]
                    } + [
                        [
                            "Total", String(report.lines.reduce(0) { $0 + $1.payments }), report.collected.formatted(),
                            report.fee.formatted(), report.payout.formatted(),
                        ]
                    ]
                print(
                    Table(
                        headers: ["Service", "Payments", "Collected", "Fee", "Payout"], rows: rows,
                        rightAligned: [1, 2, 3, 4]
                    ).text())
                if let xml {
                    _ = try exportFile(
                        connection: connection, kind: .agentReport, inn: principal, period: period, path: xml,
                        fileId: nil,
                        createdAt: CenterCalendar.nowStamp)
                    print("Written \(xml)")
                }
            }
        }
    }

    struct AgingReport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "aging",
            abstract: "Unpaid debt per principal by days past due: not due, 0-30, 31-90, 91-180, over 180.",
            discussion: """
                Each premises' debt to a principal for a service is split into the periods it fell \
                due in (the 15th of the next month from the March 2026 period, the 10th before), \
                payments applied as designated, else oldest first; days are counted to --as-of.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Billing period, YYYY-MM: debt at its end.") var period: BillingPeriod
        @Option(help: "The day the days past due are counted to (default: the 1st of the next month).")
        var asOf: CalendarDate?
        @Option(help: "table, csv, json or xml.") var format: ReportFormat = .table
        @OptionGroup var csv: CSVOptions

        func run() throws {
            let aging = try ReceivablesLedger(database: try database.open())
                .reading()
                .aging(period: period, asOf: asOf ?? period.next.firstDay)
            var total = Aging()
            var rows: [[String]] = []
            for (inn, line) in aging.sorted(by: { $0.key < $1.key }) {
                total += line
                rows.append(
                    [inn]
                        + [line.notDue, line.upTo30, line.upTo90, line.upTo180, line.over180, line.total].map {
                            $0.formatted()
                        })
            }
            rows.append(
                ["Total"]
                    + [total.notDue, total.upTo30, total.upTo90, total.upTo180, total.over180, total.total].map {
                        $0.formatted()
                    })
            let table = Table(
                headers: ["Principal", "Not due", "0-30", "31-90", "91-180", "Over 180", "Total"], rows: rows,
                rightAligned: Set(1...6))
            try emit(table, json: aging, name: "aging", format: format, csv: csv)
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every invariant of the books in a period.",
            discussion: """
                For each principal: opening + charged + recalculations - privileges + penalties - \
                paid = closing, to the kopeck, each side summed from the journal; each premises' \
                statement equals its balance in the journal; each payment's allocation adds up to \
                the payment; payouts plus fees equal the money taken; the period's latest billing \
                run finished over every premises, none is in progress, and every premises the \
                journal holds something for has its statement. Exit status 0 when all hold; \
                otherwise 1, with every difference named. Principals that are not active are not on \
                the statements: their balances are named apart.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Billing period, YYYY-MM.") var period: BillingPeriod

        func run() throws {
            let ledger = ReceivablesLedger(database: try database.open())
            let (principals, problems) = try ledger.checkAll(period: period)
            guard problems.isEmpty else {
                for problem in problems { Terminal.error(problem) }
                Terminal.error("\(problems.count) differences in \(period).")
                throw ExitCode(1)
            }
            print(
                "The books balance in \(period): \(principals) principals, every statement, payment and payout, to the kopeck."
            )
            for (inn, status, balance) in try ledger.inactiveBalances(period: period) {
                print(
                    "  Not on the statements: principal \(inn) is \(status), its balance \(balance.formatted()) руб. stays in the journal."
                )
            }
        }
    }

    struct Turnover: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The turnover of receivables (оборотно-сальдовая ведомость) of a period.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Billing period, YYYY-MM.") var period: BillingPeriod
        @Option(help: "principal, service, house or account.") var by: ReceivablesLedger.Grouping = .principal
        @Option(help: "Only this principal (INN).") var principal: String?
        @Option(help: "table, csv, json or xml.") var format: ReportFormat = .table
        @OptionGroup var csv: CSVOptions

        func run() throws {
            let lines = try ReceivablesLedger(database: try database.open())
                .turnover(period: period, by: by, principal: principal)
                .sorted { $0.key < $1.key }
            var total = Billing.Turnover()
            for (_, line) in lines { total += line }
            func cells(_ key: String, _ t: Billing.Turnover) -> [String] {
                [key]
                    + [t.opening, t.charged, t.recalculated, t.privileges, t.penalties, t.paid, t.closing].map {
                        $0.formatted()
                    }
            }
            let table = Table(
                headers: [
                    by.rawValue, "Opening", "Charged", "Recalculated", "Privileges", "Penalties", "Paid", "Closing",
                ],
                rows: lines.map { cells($0.key, $0.value) } + [cells("Total", total)], rightAligned: Set(1...7))
            try emit(
                table, json: Dictionary(uniqueKeysWithValues: lines.map { ($0.key, $0.value) }), name: "turnover",
                format: format, csv: csv)
        }
    }
}
