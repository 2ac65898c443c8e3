import ArgumentParser
import Billing
import CommandLineSupport
import Core
import Foundation
import Storage

struct BillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bill",
        abstract: "Bill a period: charges, privileges, penalties and one statement per premises.",
        discussion: """
            For every premises: calculates the services the center calculates (meter readings, \
            averages and norms, area, residents, fixed), takes the principals' supplied charges, \
            applies privileges, accrues penalties as of --as-of, and posts to the journal only the \
            difference from what it already holds; then writes the statement (opening balance, \
            charged, recalculations, privileges, penalties, paid, total to pay). Works in batches \
            that workers claim: running it again on the same data adds nothing and gives the same \
            statements, and a run that was killed is finished by running it again. Principals \
            that are not active are left out.

            One run at a time: while another process bills (or closes a period) this one is \
            refused, naming who and since when (exit 75), or waits with --wait. Refused too \
            (exit 65): a closed period; a period other than the first open one and the one \
            after it, and that one before the open one is billed (before anything was billed: a \
            period without agreements and tariffs or charges in force); an --as-of before the \
            period or more than a year after it; a service the center calculates without a \
            tariff in force (or a per-resident one without its norm), named with its principal \
            and premises.
            """)
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Billing period, YYYY-MM.") var period: BillingPeriod
    @Option(help: "The day the run counts as of, YYYY-MM-DD (default: the 1st of the next month).")
    var asOf: CalendarDate?
    @Option(help: "Worker connections (default: every core on PostgreSQL, one on SQLite).") var workers: Int?
    @Option(help: "Premises per batch.") var batchSize = 2_000
    @Flag(help: "Wait for a run in progress in another process to finish, instead of refusing.") var wait = false

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        let summary = try bill(
            database: try database.open(), period: period, asOf: asOf ?? period.next.firstDay, workers: workers,
            batchSize: batchSize, wait: wait)
        let asOf = asOf ?? period.next.firstDay
        try Audit.record(
            database, "erc bill", "billing-run", id: "\(period) as of \(asOf)",
            after:
                "\(summary.statements) statements, to pay \(summary.total) руб., \(summary.postingsAdded) postings added"
        )
        print(report(summary))
    }
}

/// Bills a period in batches; a run killed halfway is finished by the next one.
func bill(
    database: Database, period: BillingPeriod, asOf: CalendarDate, workers: Int? = nil, batchSize: Int = 2_000,
    wait: Bool = false
) throws -> BillingSummary {
    var run = BillingRun(database: database, period: period, asOf: asOf)
    if let workers { run.workers = workers }
    run.batchSize = batchSize
    run.holder = Holder.current("erc bill --period \(period)")
    run.waitForLock = wait
    run.waiting = { Terminal.status("Waiting for the run in progress: \($0)") }
    let progress = Progress("billing \(period) (batches)", total: 1)
    let summary = try run.run { done, total in progress.update(done, of: total) }
    progress.finish()
    return summary
}

func report(_ summary: BillingSummary) -> String {
    let t = summary.turnover
    var lines = [
        "Billed \(summary.period): \(summary.statements) statements, \(summary.lines) lines, to pay \(summary.total) руб.; "
            + "\(summary.postingsAdded) postings added",
        "  charged \(t.charged), recalculated \(t.recalculated), privileges \(t.privileges), penalties \(t.penalties), "
            + "paid \(t.paid), opening \(t.opening), closing \(t.closing)",
    ]
    let columns = ["Principal", "Opening", "Charged", "Recalc.", "Privileges", "Penalties", "Paid", "Closing"]
    lines.append(
        columns.enumerated().map {
            $0 == 0 ? $1.padding(toLength: 12, withPad: " ", startingAt: 0) : $1.leftPadded(to: 15)
        }.joined())
    for (inn, line) in summary.perPrincipal.sorted(by: { $0.key < $1.key }) {
        let amounts = [
            line.opening, line.charged, line.recalculated, line.privileges, line.penalties, line.paid, line.closing,
        ]
        lines.append(
            inn.padding(toLength: 12, withPad: " ", startingAt: 0)
                + amounts.map { $0.formatted().leftPadded(to: 15) }.joined())
    }
    return lines.joined(separator: "\n")
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
