import ArgumentParser
import CommandLineSupport
import Core
import Principals
import Storage

struct RatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rates", abstract: "The legal rates penalties and due dates are computed by, as dated rows.",
        discussion: """
            Key rates, the cap on the rate and its days, moratoria, the day payment falls due, \
            non-working days (Saturdays and Sundays are non-working without a row), days of grace, \
            whether the payment day counts, and how a debt paid after a cap's window is priced: \
            each a row with the day it takes effect and its legal basis. erc ships the rows as \
            checked on 2026-11-30; a rates file changes them as a new revision, and the next erc \
            bill recalculates the penalties already posted that the change alters.
            """,
        subcommands: [List.self, Import.self])
}

extension RatesCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the rows in force (or in an earlier revision), and the revisions.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only rows of this kind: \(RateRow.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
        var kind: RateRow.Kind?
        @Option(help: "The revision to list (default: the one in force).") var revision: Int64?
        @Flag(help: "List the revisions instead: number, where each came from, when.") var revisions = false

        func validate() throws {
            if let revision, revision < 1 { throw ValidationError("--revision must be at least 1") }
        }

        func run() throws {
            try database.withConnection { connection in
                let book = RatesBook(connection: connection)
                if revisions {
                    for entry in try book.revisions() {
                        print("\(entry.revision)\t\(entry.recordedAt)\t\(entry.source)")
                    }
                    return
                }
                let current = try book.currentRevision()
                if let revision, revision > current {
                    throw ValidationError("--revision \(revision): the latest revision is \(current)")
                }
                print("Revision \(revision ?? current):")
                for row in try book.rows(revision: revision) where kind == nil || row.kind == kind {
                    let through = row.through.map { "\($0)" } ?? ""
                    let value = row.value.map { "\($0)" } ?? ""
                    print("\(row.kind.rawValue)\t\(row.from)\t\(through)\t\(value)\t\(row.basis)")
                }
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import rates files (rates-1.xsd): rows that replace those of the same kind and day.",
            discussion: """
                Each file is validated against its XSD, then every row is checked for what its \
                kind needs (a value in range, a last day for a cap or a moratorium, a due day from \
                the first of a month); a file with any problem stores nothing, and every problem \
                is listed as file:line: element: reason (exit 65). A row replaces the row of the \
                same kind and first day; <withdraw> retires one. The file is one new revision: \
                the next erc bill posts the difference it makes to penalties already posted, as a \
                penalty recalculation with the change as its reason. The header names the \
                center's INN (set the center first). The same file again changes nothing.
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Rates files to import, in order.") var files: [String]

        func run() throws {
            try importSettings(files, kind: .rates, database: database)
        }
    }
}
