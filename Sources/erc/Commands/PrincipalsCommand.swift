import ArgumentParser
import CommandLineSupport
import Core
import Foundation
import Intake
import Principals
import Storage

struct PrincipalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "principals", abstract: "The principals' registry and their exchange files.",
        subcommands: [
            Add.self, List.self, Show.self, Import.self, Export.self, Activate.self, Suspend.self, Resume.self,
            Terminate.self,
        ])
}

extension PrincipalsCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import principals' XML exchange files, each one all or nothing.",
            discussion: """
                Kinds: principal (onboarding), accounts, meters, tariffs, charges, readings (Schemas/*-1.xsd). \
                Each file is validated against its XSD, then checked for meaning. A file with any \
                problem stores nothing; every problem is listed as file:line: element: reason. \
                Re-importing a file with the same id and content changes nothing; a charge or an \
                opening balance already in the journal from another file is refused (the same \
                data under a new file id), unless a charges file names the file it corrects in \
                <replaces>: then only the differences are posted, as recalculations. Import a \
                principal's onboarding file first, then accounts, meters, tariffs, charges. An \
                accounts file's <ownerSince> changes a registered premises' owner from that day, and \
                the account's open requests for a new contract on a change of owner are done. Exit \
                status 65 when any file was rejected.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(
            help: ArgumentHelp(
                "Write the XML import report for the principal (import-report-1.xsd): a file for one input, a folder for several.",
                valueName: "path"))
        var report: String?
        @Option(help: "Refuse files larger than this many megabytes.")
        var maxFileSize = Int(ExchangeImporter.defaultMaximumFileSize >> 20)
        @Argument(help: "XML files to import, in order.") var files: [String]

        /// Where the report of `file` goes: `report` itself for one file that is not a folder,
        /// else `<file>.report.xml` in the folder `report`.
        func reportPath(of file: String, into report: String, asFolder: Bool) -> String {
            asFolder ? "\(report)/\(URL(fileURLWithPath: file).lastPathComponent).report.xml" : report
        }

        /// An accounts file that changed owners does the open requests for a new contract on a
        /// change of owner of those accounts.
        func completeOwnerChanges(of summary: ImportSummary, on connection: any Connection) throws {
            let book = OwnerBook(connection: connection)
            for account in try book.accounts(changedByFile: summary.fileId) {
                let owner = try book.history(of: account)?.changes.last
                let done = try ServiceRequestDesk(connection: connection).completeOwnerChange(
                    account: account,
                    comment: "owner changed: \(owner?.name ?? "") from \(owner?.since.russian ?? "")"
                        + " (accounts file \(summary.fileId))",
                    at: CenterCalendar.nowStamp, by: "erc principals import")
                if !done.isEmpty { print("Requests done: \(done.joined(separator: ", ")).") }
            }
        }

        func run() throws {
            // The reports' destination is checked before anything is imported.
            var reportsInFolder = files.count > 1
            if let report {
                var isFolder: ObjCBool = false
                if files.count == 1,
                    !FileManager.default.fileExists(atPath: report, isDirectory: &isFolder)
                        || !isFolder.boolValue
                {
                    let folder = URL(fileURLWithPath: report).deletingLastPathComponent().path
                    try OutputFolder.prepare(folder)
                } else {
                    try OutputFolder.prepare(report)
                    reportsInFolder = true
                }
            }
            try database.withConnection { connection in
                let importer = ExchangeImporter(
                    connection: connection, maximumFileSize: Int64(maxFileSize) << 20,
                    readings: ReadingsFileRules(today: CenterCalendar.today))
                var rejected = 0
                var unreported = 0
                for file in files {
                    let outcome: ImportReportFile.Outcome
                    do {
                        let summary = try importer.importFile(at: file)
                        try Audit.imported(summary, on: connection, action: "erc principals import")
                        print(describe(summary))
                        if summary.kind == .accounts {
                            try completeOwnerChanges(of: summary, on: connection)
                        }
                        outcome = .imported(summary)
                    } catch let error as ImportError {
                        rejected += 1
                        Terminal.error(error.description)
                        outcome = .rejected(error)
                    }
                    if let report {
                        let path = reportPath(of: file, into: report, asFolder: reportsInFolder)
                        do {
                            try ImportReportFile.write(outcome, createdAt: CenterCalendar.nowStamp, to: path)
                        } catch {
                            // The import stands (or was refused) either way: only its report is missing.
                            unreported += 1
                            let done = if case .imported = outcome { "was imported" } else { "was rejected" }
                            Terminal.error("\(file) \(done), but its report could not be written to \(path): \(error)")
                        }
                    }
                }
                if unreported > 0 {
                    throw OutputError(path: report ?? "", reason: "\(unreported) of \(files.count) reports not written")
                }
                if rejected > 0 {
                    Terminal.error("\(rejected) of \(files.count) files rejected.")
                    throw ExitCode(65)
                }
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a principal's exchange file from what the center holds.",
            discussion: """
                Outbound kinds: readings (received for its meters), payments (allocated to it), \
                agent-report (money collected, fee, payout), debtors. The inbound kinds (principal, \
                accounts, meters, tariffs, charges) are written back as stored, to check an import. \
                Every file is validated against its XSD before the command reports success.
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(
            help:
                "What to write: \(ExchangeKind.allCases.filter { $0 != .importReport && !$0.isSettings }.map(\.rawValue).joined(separator: ", "))."
        )
        var kind: ExchangeKind
        @Option(help: "The principal's INN.") var principal: String
        @Option(help: "Billing period, YYYY-MM.") var period: BillingPeriod
        @Option(help: "Output file.") var out: String
        @Option(help: "The file id in the header (default: ERC-<kind>-<inn>-<period>).") var fileId: String?

        func validate() throws {
            guard kind != .importReport else { throw ValidationError("an import report is not exported") }
            guard !kind.isSettings else {
                throw ValidationError("\(kind) is the center's own file, not a principal's: see erc \(kind) --help")
            }
        }

        func run() throws {
            try database.withConnection { connection in
                // Written beside the target and moved into place only when complete and valid, so a
                // failed export leaves no file behind.
                let partial = out + ".partial"
                let rows: Int
                do {
                    rows = try exportFile(
                        connection: connection, kind: kind, inn: principal, period: period, path: partial,
                        fileId: fileId,
                        createdAt: CenterCalendar.nowStamp)
                    try ExchangeFileReader.validate(partial)
                    if FileManager.default.fileExists(atPath: out) { try FileManager.default.removeItem(atPath: out) }
                    try FileManager.default.moveItem(atPath: partial, toPath: out)
                } catch {
                    try? FileManager.default.removeItem(atPath: partial)
                    throw error
                }
                print(
                    "\(out): \(kind) of principal \(principal) for \(period), \(rows) rows, valid against \(kind.schemaFileName)"
                )
            }
        }
    }
}
