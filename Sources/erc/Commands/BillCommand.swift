import ArgumentParser
import Billing
import Core
import Foundation
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
    @Option(help: "Worker connections (default: every core on PostgreSQL, one on SQLite).") var workers: Int?
    @Option(help: "Premises per batch.") var batchSize = 2_000

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        let connection = try database.open()
        let summary = try bill(
            connection: connection, location: database.location, period: period, asOf: asOf ?? period.next.firstDay,
            workers: workers, batchSize: batchSize)
        print(report(summary))
    }
}

/// Bills a period in batches; a run killed halfway is finished by the next one.
func bill(
    connection: any Connection, location: DatabaseLocation, period: BillingPeriod, asOf: CalendarDate,
    workers: Int? = nil, batchSize: Int = 2_000
) throws -> BillingSummary {
    let defaultWorkers: Int
    switch location {
    case .postgres: defaultWorkers = ProcessInfo.processInfo.activeProcessorCount
    case .sqlite: defaultWorkers = 1  // one writer at a time: more would wait on each other
    }
    var run = BillingRun(
        location: location, connection: connection, period: period, asOf: asOf, workers: workers ?? defaultWorkers)
    run.batchSize = batchSize
    let progress = Progress("billing \(period) (batches)", total: 1)
    let summary = try run.run { done, total in progress.update(done, of: total) }
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
