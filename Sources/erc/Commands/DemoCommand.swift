import ArgumentParser
import Billing
import CommandLineSupport
import Core
import Demo
import Foundation
import Intake
import Principals
import Storage

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run one month end to end on a synthetic Chelyabinsk region.",
        discussion: """
            Generates a deterministic region (houses, premises, 46 principals with valid \
            requisites, services, tariffs, meters, readings, privileges, debts carried in and \
            charges) as the principals' own XML files, imports them, records the payments made \
            during the period, bills the period (calculated services, privileges, penalties) and \
            renders one ЕПД per premises. The same seed gives \
            the same files byte for byte, so a second run re-imports them as the same files and \
            changes nothing.
            """)
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Number of premises.") var premises = 1_000
    @Option(help: "Seed of the synthetic region.") var seed: UInt64 = 1
    @Option(help: "Billing period, YYYY-MM.") var period = BillingPeriod.clamped(2026, 10)
    @Option(help: "Folder for the generated files and the ЕПД.") var out = "erc-demo"
    @Option(help: "Worker threads for rendering (default: every core).") var workers: Int?
    @Flag(help: "Only write the principals' files (one set per principal kind), import nothing.") var filesOnly = false
    @Flag(help: "Stop after billing: render no ЕПД (for benchmarks of the rendering).") var noRender = false

    func validate() throws {
        guard (1...3_000_000).contains(premises) else { throw ValidationError("--premises must be 1...3000000") }
    }

    func run() throws {
        let clock = ContinuousClock()
        let started = clock.now
        let exchange = "\(out)/exchange"
        let epd = "\(out)/epd/\(period)"
        try FileManager.default.createDirectory(atPath: exchange, withIntermediateDirectories: true)

        print("1. Generating a region of \(premises) premises (seed \(seed)) as principals' files in \(exchange)")
        let files = try DemoRegion(premisesCount: premises, seed: seed, period: period).write(to: exchange)
        print(
            "   \(files.houseCount) houses, \(files.premisesCount) premises, \(files.principalCount) principals, "
                + "\(files.all.count) files")
        if filesOnly { return }

        print("2. Importing into \(database.location)")
        let db = try database.openCreating()
        let progress = Progress("importing", total: files.all.count)
        var rows = 0
        var unchanged = 0
        try db.withConnection { connection in
            // The demo's own center: its requisites go on every ЕПД and into every QR code.
            if try CenterBook(connection: connection).set(.demo, from: period.firstDay, source: "erc demo") {
                try Audit.record(
                    connection, "erc demo", "center", id: "from \(period.firstDay)", after: "the demo center")
            }
            let importer = ExchangeImporter(
                connection: connection, readings: ReadingsFileRules(today: period.next.firstDay))
            for (index, file) in files.all.enumerated() {
                let summary = try importer.importFile(at: file)
                try Audit.imported(summary, on: connection, action: "erc demo")
                rows += summary.rows
                if summary.alreadyImported { unchanged += 1 }
                progress.update(index + 1)
            }
        }
        progress.finish()
        print(
            "   \(files.all.count) files, \(rows) records"
                + (unchanged > 0 ? "; \(unchanged) already imported before, unchanged" : ""))

        print(
            "3. Recording \(files.payments.count) payments made during \(period) (as a bank registry would bring them)")
        var paid = Money.zero
        var repeated = 0
        try db.withConnection { connection in
            let book = PaymentBook(connection: connection)
            for payment in files.payments {
                let recorded = try book.record(
                    IncomingPayment(
                        source: "demo-bank", operationId: payment.operationId,
                        account: try PersonalAccountNumber(payment.account), amount: payment.amount,
                        paidOn: payment.paidOn))
                paid += payment.amount
                if recorded.wasRecordedBefore { repeated += 1 }
                if !recorded.wasRecordedBefore {
                    try Audit.record(
                        connection, "erc demo", "payment", id: String(recorded.id), account: payment.account,
                        after: "\(payment.amount.formatted()) руб. paid \(payment.paidOn)",
                        source: "demo-bank \(payment.operationId)")
                }
            }
        }
        print("   \(paid) руб." + (repeated > 0 ? "; \(repeated) recorded before, not doubled" : ""))

        print("4. Billing \(period) as of \(period.next.firstDay)")
        let summary = try bill(database: db, period: period, asOf: period.next.firstDay)
        try db.withConnection {
            try Audit.record(
                $0, "erc demo", "billing-run", id: "\(period) as of \(period.next.firstDay)",
                after:
                    "\(summary.statements) statements, to pay \(summary.total) руб., \(summary.postingsAdded) postings added"
            )
        }
        print(report(summary).split(separator: "\n").prefix(2).map { "   " + $0 }.joined(separator: "\n"))

        if noRender { return }
        print("5. Rendering ЕПД into \(epd)")
        let rendered = try render(database: db, period: period, out: epd, workers: workers, documentsPerFile: nil)
        print("   " + describe(rendered, out: epd))

        let seconds = (clock.now - started).components.seconds
        print("Done in \(seconds)s. Open one: \(epd)/\(firstAccount(in: epd) ?? "<account>").pdf")
    }

    private func firstAccount(in folder: String) -> String? {
        (try? FileManager.default.contentsOfDirectory(atPath: folder))?
            .filter { $0.hasSuffix(".pdf") }.sorted().first.map { String($0.dropLast(4)) }
    }
}
