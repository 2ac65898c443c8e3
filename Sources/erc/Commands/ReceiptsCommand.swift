import ArgumentParser
import Core
import Foundation
import Receipts
import Storage

struct ReceiptsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipts", abstract: "Render ЕПД PDFs with payment QR codes.",
        subcommands: [Render.self, Show.self])

    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render one A4 ЕПД per billed premises of a period into a folder (<account>.pdf).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Billing period, YYYY-MM.") var period: BillingPeriod
        @Option(help: "Output folder (created if missing).") var out: String
        @Option(help: "Worker threads (default: every core).") var workers: Int?

        func validate() throws {
            if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        }

        func run() throws {
            let connection = try database.open()
            let summary = try render(
                connection: connection, location: database.location, period: period, out: out, workers: workers)
            print(describe(summary, out: out))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render the single ЕПД of one account and period, as an infomat prints it.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Personal account, 10 digits.") var account: PersonalAccountNumber
        @Option(help: "Billing period, YYYY-MM.") var period: BillingPeriod
        @Option(help: "Output PDF file (default: <account>-<period>.pdf).") var out: String?

        func run() throws {
            let connection = try database.open()
            let path = out ?? "\(account.value)-\(period).pdf"
            var found = false
            try EPDLoader(connection: connection, center: .demo).forEachDocument(period: period, account: account) {
                try EPDRenderer().render($0, to: path)
                found = true
            }
            guard found else {
                Terminal.error("No statement for this account in \(period): run erc bill --period \(period) first.")
                throw ExitCode(1)
            }
            print(path)
        }
    }
}

func render(
    connection: any Connection, location: DatabaseLocation, period: BillingPeriod, out: String, workers: Int?
) throws -> RenderSummary {
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    let count = try connection.scalar("SELECT COUNT(*) FROM statements WHERE period = ?", [period])
    let progress = Progress("rendering ЕПД \(period)", total: Int(count))
    let run = RenderRun(
        location: location, period: period, outputDirectory: out, center: .demo,
        workers: workers ?? activeProcessorCount())
    let summary = try run.run { progress.update($0) }
    progress.finish()
    return summary
}

func describe(_ summary: RenderSummary, out: String) -> String {
    let perDocument = summary.documents > 0 ? summary.bytes / summary.documents : 0
    return "Rendered \(summary.documents) ЕПД (\(summary.pages) pages, \(perDocument / 1024) KB each) into \(out)"
}
