import ArgumentParser
import Core
import Principals
import Storage

struct PrincipalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "principals", abstract: "Principals and their exchange files.",
        subcommands: [Import.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import principals' XML exchange files, each one all or nothing.",
            discussion: """
                Each file is validated against its XSD (principal-1, accounts-1 or charges-1 in \
                Schemas/), then checked for meaning. A file with any problem stores nothing; every \
                problem is listed as file:line: element: reason. Re-importing a file with the same id \
                and content changes nothing. Import a principal's principal file before its accounts \
                and charges. Exit status 65 when any file was rejected.
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "XML files to import, in order.") var files: [String]

        func run() throws {
            let connection = try database.open()
            let importer = ExchangeImporter(connection: connection)
            var rejected = 0
            for file in files {
                do {
                    let summary = try importer.importFile(at: file)
                    print(describe(summary))
                } catch let error as ImportError {
                    rejected += 1
                    Terminal.error(error.description)
                }
            }
            if rejected > 0 {
                Terminal.error("\(rejected) of \(files.count) files rejected.")
                throw ExitCode(65)
            }
        }
    }
}

func describe(_ summary: ImportSummary) -> String {
    if summary.alreadyImported {
        return "\(summary.file): already imported (file id \(summary.fileId)), nothing changed"
    }
    switch summary.kind {
    case .principal:
        return "\(summary.file): principal \(summary.principalINN) registered with \(summary.rows) services"
    case .accounts:
        return "\(summary.file): \(summary.rows) accounts of principal \(summary.principalINN)"
    case .charges:
        let period = summary.period.map { " for \($0)" } ?? ""
        return "\(summary.file): \(summary.rows) charges\(period), total \(summary.total) руб."
    }
}
