import ArgumentParser
import Billing
import Core
import Storage

struct BillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bill",
        abstract: "Bill a period: one statement per premises from every principal's charges.",
        discussion: """
            Rebuilds the period's statements from the journal in one transaction; running it \
            again on the same data gives the same statements. Principals that are not active are \
            left out.
            """)
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Billing period, YYYY-MM.") var period: BillingPeriod
    @Option(help: "The day the run counts as of, YYYY-MM-DD (default: the 1st of the next month).")
    var asOf: CalendarDate?

    func run() throws {
        let connection = try database.open()
        let summary = try bill(connection: connection, period: period, asOf: asOf ?? period.next.firstDay)
        print(report(summary))
    }
}

func bill(connection: any Connection, period: BillingPeriod, asOf: CalendarDate) throws -> BillingSummary {
    let premises = try connection.scalar(
        "SELECT COUNT(DISTINCT account_number) FROM postings WHERE period = ? AND kind = 'charge'", [period])
    let progress = Progress("billing \(period)", total: Int(premises))
    let summary = try BillingRun(connection: connection, period: period, asOf: asOf).run { progress.update($0) }
    progress.finish()
    return summary
}

func report(_ summary: BillingSummary) -> String {
    var lines = [
        "Billed \(summary.period): \(summary.statements) statements, \(summary.lines) lines, total \(summary.total) руб."
    ]
    for (inn, total) in summary.perPrincipal.sorted(by: { $0.key < $1.key }) {
        lines.append("  \(inn)  \(total.formatted().leftPadded(to: 16)) руб.")
    }
    return lines.joined(separator: "\n")
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
