import ArgumentParser
import Billing
import CommandLineSupport
import Core
import Foundation
import Receipts
import Storage

struct ReceiptsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipts", abstract: "Render ЕПД PDFs with payment QR codes.",
        subcommands: [Render.self, Show.self, Send.self])

    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a period's ЕПД as print-house batches in delivery order, with a manifest.",
            discussion: """
                Orders the billed premises by postal code, street, house, entrance and apartment, \
                splits them into PDF files of --batch-size documents (epd-<period>-00001.pdf, ...) \
                and writes manifest.csv (;-separated, UTF-8 with a byte-order mark) and \
                manifest.json beside them: file, first and last page, account, address and total \
                of every document, so a print house can check its run. --per-premises writes one \
                file per premises (<account>.pdf) instead, for e-mail. Uses every core; each file \
                is written beside its name and moved into place when complete.

                The payment QR codes of print batches are ST00011 (CP1251) unless --charset says \
                otherwise: the same fields make a smaller symbol, whose modules print larger and \
                scan more reliably; --per-premises copies (e-mail) are ST00012 (UTF-8). The \
                center's requisites are those in force on the first day of the month after the \
                period (erc center show); with none, nothing is rendered.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Billing period, YYYY-MM.") var period: BillingPeriod
        @Option(help: "Output folder (created if missing).") var out: String
        @Option(help: "Documents per print file.") var batchSize = 1_000
        @Flag(help: "One PDF per premises (<account>.pdf) instead of print batches.") var perPremises = false
        @Option(
            help: """
                Charset of the payment QR codes: cp1251 (ST00011, smaller symbols; default for print \
                batches) or utf8 (ST00012; default with --per-premises).
                """)
        var charset: PaymentQR.Charset?
        @Option(help: "Worker threads (default: every core).") var workers: Int?

        func validate() throws {
            if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
            if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        }

        func run() throws {
            let summary = try render(
                database: try database.open(), period: period, out: out, workers: workers,
                documentsPerFile: perPremises ? nil : batchSize, charset: charset ?? (perPremises ? .utf8 : .cp1251))
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
        @Option(help: "Charset of the payment QR codes: utf8 (ST00012) or cp1251 (ST00011).")
        var charset: PaymentQR.Charset = .utf8

        func run() throws {
            let path = out ?? "\(account.value)-\(period).pdf"
            var found = false
            try database.withConnection { connection in
                try EPDLoader(connection: connection).forEachDocument(period: period, .account(account)) {
                    try EPDRenderer(charset: charset).render($0, to: path)
                    found = true
                }
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
    database: Database, period: BillingPeriod, out: String, workers: Int?, documentsPerFile: Int?,
    charset: PaymentQR.Charset = .utf8
) throws -> RenderSummary {
    // A print run leaves out the customers who chose e-mail only.
    let count = try database.withConnection {
        Int(try $0.scalar("SELECT COUNT(*) FROM statements WHERE period = ?", [period]))
            - (documentsPerFile == nil ? 0 : try DeliveryOrder(connection: $0).emailOnly(period: period))
    }
    let progress = Progress("rendering ЕПД \(period)", total: count)
    let run = RenderRun(
        database: database, period: period, outputDirectory: out, renderer: EPDRenderer(charset: charset),
        workers: workers, documentsPerFile: documentsPerFile)
    let (summary, manifest) = try run.run { progress.update($0) }
    progress.finish()
    try Data(ManifestEntry.csv(manifest).utf8).write(to: URL(fileURLWithPath: "\(out)/manifest.csv"), options: .atomic)
    try Data(try json(manifest).utf8).write(to: URL(fileURLWithPath: "\(out)/manifest.json"), options: .atomic)
    // What the run holds and what it left out (the customers who chose e-mail only).
    let counts = [
        "documents": summary.documents, "pages": summary.pages, "files": summary.files,
        "leftOutForEmail": summary.leftOutForEmail,
    ]
    try Data(try json(counts).utf8).write(to: URL(fileURLWithPath: "\(out)/manifest-summary.json"), options: .atomic)
    return summary
}

func describe(_ summary: RenderSummary, out: String) -> String {
    let perDocument = summary.documents > 0 ? summary.bytes / summary.documents : 0
    return
        "Rendered \(summary.documents) ЕПД (\(summary.pages) pages, \(perDocument / 1024) KB each) in \(summary.files) "
        + "files into \(out), with manifest.csv and manifest.json"
        + (summary.leftOutForEmail > 0
            ? "; \(summary.leftOutForEmail) left out: their customers chose e-mail only" : "")
}
