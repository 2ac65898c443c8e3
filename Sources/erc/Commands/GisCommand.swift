import ArgumentParser
import CommandLineSupport
import Principals

struct GisCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gis", abstract: "The state's ГИС ЖКХ: the identifiers it gives back.",
        discussion: """
            erc writes and reads files; signing them (ГОСТ signatures), sending them over SOAP \
            and polling for the results (MessageGUID) are the state gateway's, outside erc.
            """,
        subcommands: [ImportIds.self])
}

extension GisCommand {
    struct ImportIds: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-ids",
            abstract: "Import the identifiers ГИС ЖКХ gave back (gis-ids-1.xsd).",
            discussion: """
                A file of the center's own: a header with the center's INN, then the accounts' ЕЛС, \
                ИЖКУ and GUID; the meters' root GUIDs; the principals' organisation GUIDs \
                (orgPPAGUID); the services' entries of the state's reference (НСИ 1, 3, 50, 51, \
                337: code and GUID); the center's settlement account as placed \
                (PaymentInformation); the payment documents' ИПД. Each entry must name what the \
                center holds (a registered account, a principal's meter or service, one of the \
                center's accounts, an ЕПД billed for that account and period), and no identifier \
                may name two things. A file with any problem stores nothing, every problem listed as \
                file:line: element: reason (exit 65); a new value replaces the old one, and the same \
                file again changes nothing. The ЕПД prints the ЕЛС and the ИПД once they are known \
                (before the ИПД, the center's own document number).
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Identifier files to import, in order.") var files: [String]

        func run() throws {
            try importSettings(files, kind: .gisIds, database: database)
        }
    }
}
