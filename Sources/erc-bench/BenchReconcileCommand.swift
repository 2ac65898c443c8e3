import ArgumentParser
import CommandLineSupport
import Core
import Foundation
import Storage

extension ERCBench {
    struct ReconcileBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reconcile",
            abstract: "Time every reconciliation report on a billed database, each as a child process.",
            discussion: """
                Runs erc reconcile check, turnover (by principal, by service, by house for one \
                principal), payouts, aging, debtors of 3,000 roubles and more (one principal, all), act (one principal, one \
                premises) and bank on --db for --period, one after another, and reports each one's \
                wall time, peak resident memory and lines of output. Use it on the database a \
                billing benchmark left (erc bench bill --work DIR keeps its SQLite file; a \
                PostgreSQL database stays as it is).
                """)
        @Option(help: "A billed database: an SQLite file or a postgres:// URL.") var db: String
        @Option(help: "Billing period, YYYY-MM.") var period = BillingPeriod.clamped(2026, 10)

        func run() throws {
            let connection = try DatabaseLocation(db).open()
            guard
                let principal = try connection.first(
                    """
                    SELECT pr.inn FROM postings p JOIN principals pr ON pr.id = p.principal_id
                    WHERE p.period = ? AND p.kind = 'charge' GROUP BY pr.inn ORDER BY COUNT(*) DESC, pr.inn LIMIT 1
                    """, [period])?.string(0),
                let account = try connection.first(
                    "SELECT MIN(account_number) FROM statements WHERE period = ?", [period])?
                    .optionalString(0)
            else { throw ValidationError("\(db) has no billed period \(period): run erc bill first") }
            let p = "\(period)"
            let reports: [[String]] = [
                ["check", "--period", p],
                ["turnover", "--period", p],
                ["turnover", "--period", p, "--by", "service"],
                ["turnover", "--period", p, "--by", "house", "--principal", principal],
                ["payouts", "--period", p],
                ["aging", "--period", p],
                // Debts of 3,000 roubles and more: every premises owes this month's charges.
                ["debtors", "--period", p, "--principal", principal, "--min-debt", "3000"],
                ["debtors", "--period", p, "--min-debt", "3000"],
                ["act", "--principal", principal, "--from", "\(period.firstDay)", "--to", "\(period.lastDay)"],
                ["act", "--principal", principal, "--account", account, "--from", "2000-01-01", "--to", "2099-12-31"],
                ["bank", "--period", p],
            ]
            let output = NSTemporaryDirectory() + "erc-bench-reconcile-\(getpid()).txt"
            defer { try? FileManager.default.removeItem(atPath: output) }
            print(
                "erc reconcile on \(DatabaseLocation(db)), period \(period), principal \(principal), account \(account)"
            )
            for report in reports {
                let measured = try Measured.run(
                    [try ERCBench.ercBinary(), "reconcile"] + report + ["--db", db], stdoutPath: output)
                let lines = (try? String(contentsOfFile: output, encoding: .utf8))?.split(separator: "\n").count ?? 0
                print(
                    String(
                        format: "%@ %8.2f s  peak RSS %6.1f MB  %8d lines  exit %d",
                        report.joined(separator: " ").padding(toLength: 58, withPad: " ", startingAt: 0),
                        measured.seconds,
                        Double(measured.maxRSSKiB) / 1024, lines, measured.status))
            }
        }
    }
}
