import ArgumentParser
import CommandLineSupport
import Core
import Principals
import Storage

struct CenterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "center", abstract: "The center's own requisites, printed on every ЕПД and in every QR code.",
        discussion: """
            The requisites are dated: each version takes effect from a day, and the history is \
            kept. A period's ЕПД carry the version in force on the first day of the month after \
            it (the month they are delivered and paid in); without one, erc receipts and the API \
            refuse to render them (exit 78).
            """,
        subcommands: [Set.self, Show.self, Import.self])
}

extension CenterCommand {
    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the center's requisites from a day on.",
            discussion: """
                The first time, every requisite is required. Later, the options given change \
                those of the version in force on --from, and the rest stay. The INN, KPP, OGRN, \
                BIC and both accounts are checked by their check digits (the accounts against \
                the BIC); every problem is listed, naming its option (exit 64), and nothing is \
                stored. Setting the same requisites from the same day again changes nothing.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The day the requisites take effect, YYYY-MM-DD (default: the first day of this month).")
        var from: CalendarDate?
        @Option(help: "Full name, as printed.") var name: String?
        @Option(help: "ИНН, 10 digits.") var inn: String?
        @Option(help: "КПП, 9 characters.") var kpp: String?
        @Option(help: "ОГРН, 13 digits.") var ogrn: String?
        @Option(help: "Postal address, as printed.") var address: String?
        @Option(help: "Phone or phones, as printed.") var phone: String?
        @Option(help: "E-mail address.") var email: String?
        @Option(help: "Web site.") var website: String?
        @Option(help: "The bank's name.") var bankName: String?
        @Option(help: "The bank's БИК, 9 digits.") var bic: String?
        @Option(help: "The bank's correspondent account, 20 digits.") var correspondentAccount: String?
        @Option(help: "The center's settlement account, 20 digits: the payee of every whole-ЕПД QR code.")
        var account: String?
        @Option(help: "Where and how to pay, as printed on the ЕПД.") var paymentWays: String?
        @Option(help: "Where and how to send meter readings, as printed on the ЕПД.") var readingWays: String?

        /// The option that sets each field, for the messages.
        static let options: [String: String] = [
            "name": "--name", "inn": "--inn", "kpp": "--kpp", "ogrn": "--ogrn", "address": "--address",
            "phone": "--phone", "email": "--email", "website": "--website", "bankName": "--bank-name", "bic": "--bic",
            "correspondentAccount": "--correspondent-account", "account": "--account",
            "paymentWays": "--payment-ways", "readingWays": "--reading-ways",
        ]

        func validate() throws {
            if let from {
                let today = CenterCalendar.today
                guard from >= CalendarDate.clamped(2000, 1, 1), from <= today.adding(days: 366) else {
                    throw ValidationError("--from \(from): give a day from 2000-01-01 to a year after today (\(today))")
                }
            }
        }

        func run() throws {
            let day = from ?? BillingPeriod(containing: CenterCalendar.today).firstDay
            try database.withConnection { connection in
                try connection.withTransaction {
                    let book = CenterBook(connection: connection)
                    let inForce = try book.center(on: day)
                    if inForce == nil, let first = try book.history().first?.effectiveFrom {
                        // Some version exists, none on that day: a partial change has nothing to change.
                        Terminal.error(
                            "No requisites are in force on \(day): the first version takes effect on \(first). Give "
                                + "every requisite for a version from \(day), or a --from on or after \(first).")
                    }
                    var fields = inForce.map(CenterFields.init) ?? CenterFields()
                    if let name { fields.name = name }
                    if let inn { fields.inn = inn }
                    if let kpp { fields.kpp = kpp }
                    if let ogrn { fields.ogrn = ogrn }
                    if let address { fields.address = address }
                    if let phone { fields.phone = phone }
                    if let email { fields.email = email }
                    if let website { fields.website = website }
                    if let bankName { fields.bankName = bankName }
                    if let bic { fields.bic = bic }
                    if let correspondentAccount { fields.correspondentAccount = correspondentAccount }
                    if let account { fields.account = account }
                    if let paymentWays { fields.paymentWays = paymentWays }
                    if let readingWays { fields.readingWays = readingWays }
                    switch fields.checked() {
                    case .failure(let problems):
                        // Every problem, each naming its option; a usage error.
                        for problem in problems.problems {
                            Terminal.error("Error: \(Self.options[problem.field] ?? problem.field): \(problem.reason)")
                        }
                        throw ExitCode(64)
                    case .success(let center):
                        if try book.set(center, from: day, source: "erc center set") {
                            try Audit.record(
                                connection, "erc center set", "center", id: "from \(day)",
                                before: inForce.map {
                                    "\($0.name), INN \($0.inn.value), account \($0.bankDetails.account.value)"
                                },
                                after:
                                    "\(center.name), INN \(center.inn.value), account \(center.bankDetails.account.value)"
                            )
                            print("The center's requisites take effect from \(day).")
                        } else {
                            print("The same requisites are in force from \(day): nothing changed.")
                        }
                    }
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the center's requisites in force on a day, or their whole history.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The day, YYYY-MM-DD (default: today).") var on: CalendarDate?
        @Flag(help: "Every version, oldest first.") var history = false

        func run() throws {
            let day = on ?? CenterCalendar.today
            let versions = try database.withConnection { try CenterBook(connection: $0).history() }
            if history {
                guard !versions.isEmpty else {
                    print("No requisites set: erc center set --help.")
                    return
                }
                for version in versions { print(describe(version) + "\n") }
                return
            }
            guard let version = versions.last(where: { $0.effectiveFrom <= day }) else {
                Terminal.error(CenterNotSetError(day: day, firstSetDay: versions.first?.effectiveFrom).description)
                throw ExitCode(78)
            }
            print("In force on \(day):")
            print(describe(version))
        }

        func describe(_ version: CenterBook.Version) -> String {
            let center = version.center
            let bank = center.bankDetails
            return """
                From \(version.effectiveFrom) (\(version.source), recorded \(version.recordedAt))
                  Name:        \(center.name)
                  INN / KPP:   \(center.inn.value) / \(center.kpp.value)
                  OGRN:        \(center.ogrn.value)
                  Address:     \(center.address)
                  Phone:       \(center.phone)
                  E-mail:      \(center.email)
                  Site:        \(center.website)
                  Bank:        \(bank.bankName), BIC \(bank.bic.value), corr. account \(bank.correspondentAccount.value)
                  Account:     \(bank.account.value)
                  To pay:      \(center.paymentWays)
                  Readings:    \(center.readingWays)
                """
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import center files (center-1.xsd): the center's requisites, each version with its day.",
            discussion: """
                Each file is validated against its XSD, then every requisite is checked by its \
                check digits; a file with any problem stores nothing, and every problem is listed \
                as file:line: element: reason (exit 65). The header names the center's INN: for \
                the first file, the INN of a center it sets; later, one the center has had. The \
                same file again changes nothing.
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Center files to import, in order.") var files: [String]

        func run() throws {
            try importSettings(files, kind: .center, database: database)
        }
    }
}

/// Imports the center's own files of one kind, each all or nothing; exit 65 when any was refused.
func importSettings(_ files: [String], kind: ExchangeKind, database: DatabaseOptions) throws {
    try database.withConnection { connection in
        var importer = ExchangeImporter(connection: connection)
        importer.accepts = [kind]
        var rejected = 0
        for file in files {
            do {
                let summary = try importer.importFile(at: file)
                let action =
                    switch kind {
                    case .rates: "erc rates import"
                    case .gisIds: "erc gis import-ids"
                    default: "erc center import"
                    }
                try Audit.imported(summary, on: connection, action: action)
                print(describe(summary))
                if kind == .rates, !summary.alreadyImported {
                    print("Rates revision \(try RatesBook(connection: connection).currentRevision()) in force.")
                }
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
