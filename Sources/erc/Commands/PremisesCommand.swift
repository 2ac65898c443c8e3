import ArgumentParser
import CommandLineSupport
import Core
import Intake
import Principals
import Storage

struct PremisesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "premises", abstract: "The premises and their owners over time.",
        subcommands: [Owner.self, Owners.self, DeliveryChoice.self])
}

extension PremisesCommand {
    struct Owner: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a change of owner of a premises from a day.",
            discussion: """
                The new owner's name is on the premises' ЕПД from the period that day falls in \
                (the owner on a period's last day is the one printed). Debt of the days before \
                stays the previous owner's: erc reconcile debtors and erc reconcile act name who \
                owes what, a period split by the days each owned it; the capital-repair \
                contributions' debt passes to the new owner (ЖК ст. 158 ч. 3). Payments made from \
                the change on pay the new owner's periods first. The account's open self-service \
                requests for a new contract on a change of owner are done by it. The same change \
                again changes nothing; another name on a day that has a change already, or the \
                owner the premises has on that day already, is refused (exit 65).
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The personal account.") var account: String
        @Option(help: "The new owner's name, as printed on the ЕПД.") var name: String
        @Option(help: "The first day the new owner owns the premises (registration of the right), YYYY-MM-DD.")
        var since: CalendarDate

        func validate() throws {
            if (try? PersonalAccountNumber(account)) == nil {
                throw ValidationError("\(account) is not a personal account number: 10 digits, district code not 00")
            }
            let today = CenterCalendar.today
            if since > today.adding(days: 31) {
                throw ValidationError("--since \(since): a change of owner more than a month ahead of today (\(today))")
            }
            if let problem = OwnerBook.problem(with: name) { throw ValidationError("--name: \(problem)") }
        }

        func run() throws {
            let name = OwnerBook.normalized(name)
            try database.withConnection { connection in
                try connection.withTransaction {
                    let book = OwnerBook(connection: connection)
                    let recorded: Bool
                    do {
                        recorded = try book.change(
                            account: account, to: name, from: since, source: "erc premises owner")
                    } catch let error as OwnerChangeError {
                        Terminal.error("Error: \(error.description)")
                        throw ExitCode(65)
                    }
                    if recorded {
                        let before = try book.history(of: account)?.changes.last(where: { $0.since < since })?.name
                        try Audit.record(
                            connection, "erc premises owner", "owner", id: "from \(since)", account: account,
                            before: before ?? book.history(of: account)?.first, after: name)
                    }
                    let requests = try ServiceRequestDesk(connection: connection).completeOwnerChange(
                        account: account, comment: "owner changed: \(name) from \(since.russian)",
                        at: CenterCalendar.nowStamp, by: "erc premises owner")
                    print(
                        recorded
                            ? "Account \(account): \(name) owns the premises from \(since.russian)."
                            : "Account \(account): \(name) owns the premises from \(since.russian) already; nothing changed."
                    )
                    if !requests.isEmpty {
                        print("Requests done: \(requests.joined(separator: ", ")).")
                    }
                }
            }
        }
    }

    struct Owners: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a premises' owners over time.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The personal account.") var account: String

        func validate() throws {
            if (try? PersonalAccountNumber(account)) == nil {
                throw ValidationError("\(account) is not a personal account number: 10 digits, district code not 00")
            }
        }

        func run() throws {
            guard let history = try database.withConnection({ try OwnerBook(connection: $0).history(of: account) })
            else {
                Terminal.error("Error: unknown account \(account)")
                throw ExitCode(65)
            }
            let rows = history.spans.map { span in
                [span.name, span.from?.russian ?? "registered", span.until?.russian ?? "now"]
            }
            print(Table(headers: ["Owner", "From", "Through"], rows: rows).text())
        }
    }
}

extension PremisesCommand {
    struct DeliveryChoice: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delivery", abstract: "Record a customer's choice of ЕПД delivery, with the day of consent.",
            discussion: """
                paper (the print run), email (erc receipts send; left out of print batches) or \
                both. The center's record: on the same day it goes before what a principal's \
                accounts file proposes; the latest dated consent is in force. The same choice \
                again changes nothing.
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The personal account.") var account: String
        @Option(help: "paper, email or both.") var delivery: Delivery
        @Option(help: "The customer's e-mail address (for email and both).") var email: String?
        @Option(help: "The day the customer consented, YYYY-MM-DD (default: today).") var consentedOn: CalendarDate?

        func validate() throws {
            if (try? PersonalAccountNumber(account)) == nil {
                throw ValidationError("\(account) is not a personal account number: 10 digits, district code not 00")
            }
            if let email, let problem = DeliveryConsent.problem(withAddress: email) {
                throw ValidationError("--email: \(problem)")
            }
            if delivery.mailed, email == nil { throw ValidationError("--email: delivery by \(delivery) needs it") }
            if !delivery.mailed, email != nil { throw ValidationError("--email: paper delivery takes no address") }
            if let consentedOn, consentedOn > CenterCalendar.today {
                throw ValidationError(
                    "--consented-on \(consentedOn): a consent is given, not promised: not after today")
            }
        }

        func run() throws {
            let consent = DeliveryConsent(
                account: account, delivery: delivery, email: delivery.mailed ? email : nil,
                consentedOn: consentedOn ?? CenterCalendar.today, source: "erc premises delivery")
            let recorded = try database.withConnection { connection in
                try connection.withTransaction {
                    let recorded: Bool
                    let before = try DeliveryBook(connection: connection).consent(of: account)
                    do {
                        recorded = try DeliveryBook(connection: connection).record(
                            consent, byCenter: true, notAfter: CenterCalendar.today)
                    } catch let error as DeliveryError {
                        Terminal.error("Error: \(error.description)")
                        throw ExitCode(65)
                    }
                    if recorded {
                        try Audit.record(
                            connection, "erc premises delivery", "delivery", id: "from \(consent.consentedOn)",
                            account: account,
                            before: before.map { "\($0.delivery.rawValue)\($0.email.map { " to \($0)" } ?? "")" },
                            after: "\(delivery.rawValue)\(consent.email.map { " to \($0)" } ?? "")")
                    }
                    return recorded
                }
            }
            print(
                "Account \(account): \(delivery.rawValue)\(consent.email.map { " to \($0)" } ?? ""), consented "
                    + "\(consent.consentedOn.russian)\(recorded ? "" : " (recorded before; nothing changed)").")
        }
    }
}
