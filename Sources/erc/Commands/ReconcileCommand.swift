import ArgumentParser
import Billing
import Core
import Storage

struct ReconcileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile", abstract: "Reconciliation reports over the journal.",
        subcommands: [Check.self, Turnover.self, AgingReport.self])

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
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func run() throws {
            let aging = try ReceivablesLedger(connection: try database.open())
                .aging(period: period, asOf: asOf ?? period.next.firstDay)
            var total = Aging()
            var rows: [[String]] = []
            for (inn, line) in aging.sorted(by: { $0.key < $1.key }) {
                total += line
                rows.append([inn] + [line.notDue, line.upTo30, line.upTo90, line.upTo180, line.over180, line.total].map { $0.formatted() })
            }
            rows.append(["Total"] + [total.notDue, total.upTo30, total.upTo90, total.upTo180, total.over180, total.total].map { $0.formatted() })
            let table = Table(
                headers: ["Principal", "Not due", "0-30", "31-90", "91-180", "Over 180", "Total"], rows: rows,
                rightAligned: Set(1...6))
            switch format {
            case .table: print(table.text())
            case .csv: print(table.csv())
            case .json: print(try json(aging))
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that the books balance for every principal in a period.",
            discussion: """
                For each principal: opening + charged + recalculations - privileges + penalties - \
                paid = closing, to the kopeck, each side summed from the journal. Exit status 0 when \
                all hold; otherwise 1, with every difference named.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Billing period, YYYY-MM.") var period: BillingPeriod

        func run() throws {
            let ledger = ReceivablesLedger(connection: try database.open())
            let principals = try ledger.turnover(period: period).count
            let imbalances = try ledger.check(period: period)
            guard imbalances.isEmpty else {
                for imbalance in imbalances { Terminal.error(imbalance.description) }
                Terminal.error("\(imbalances.count) of \(principals) principals out of balance in \(period).")
                throw ExitCode(1)
            }
            print("The books balance in \(period): \(principals) principals, to the kopeck.")
        }
    }

    struct Turnover: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The turnover of receivables (оборотно-сальдовая ведомость) of a period.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Billing period, YYYY-MM.") var period: BillingPeriod
        @Option(help: "principal, service or account.") var by = "principal"
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func validate() throws {
            guard ReceivablesLedger.Grouping(rawValue: by) != nil else {
                throw ValidationError("--by is principal, service or account")
            }
        }

        func run() throws {
            let lines = try ReceivablesLedger(connection: try database.open())
                .turnover(period: period, by: ReceivablesLedger.Grouping(rawValue: by)!)
                .sorted { $0.key < $1.key }
            if format == .json {
                print(try json(Dictionary(uniqueKeysWithValues: lines.map { ($0.key, $0.value) })))
                return
            }
            var total = Billing.Turnover()
            for (_, line) in lines { total += line }
            func cells(_ key: String, _ t: Billing.Turnover) -> [String] {
                [key] + [t.opening, t.charged, t.recalculated, t.privileges, t.penalties, t.paid, t.closing].map { $0.formatted() }
            }
            let table = Table(
                headers: [by, "Opening", "Charged", "Recalculated", "Privileges", "Penalties", "Paid", "Closing"],
                rows: lines.map { cells($0.key, $0.value) } + [cells("Total", total)], rightAligned: Set(1...7))
            print(format == .csv ? table.csv() : table.text())
        }
    }
}
