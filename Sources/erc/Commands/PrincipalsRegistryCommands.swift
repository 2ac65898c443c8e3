import ArgumentParser
import CommandLineSupport
import Core
import Principals
import Storage

extension PrincipalsCommand {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a principal by hand: a draft, or active when an agreement is given.",
            discussion:
                "Every requisite is checked (check digits, account keys against the BIC); all problems are listed.")
        @OptionGroup var database: DatabaseOptions
        @Option var name: String
        @Option(help: "\(Principal.Kind.allCases.map(\.rawValue).joined(separator: ", "))") var kind: String
        @Option var inn: String
        @Option var kpp: String
        @Option var ogrn: String
        @Option var address: String
        @Option var phone: String
        @Option var email: String?
        @Option var contact: String?
        @Option var bankName: String
        @Option var bic: String
        @Option(help: "Correspondent account of the bank.") var corrAccount: String
        @Option(help: "Settlement account.") var account: String
        @Option(help: "A service, code:name:unit (repeat for each).") var service: [String] = []
        @Option(help: "Agency agreement number (with it, the principal is active).") var agreement: String?
        @Option(help: "Agreement signed on, YYYY-MM-DD.") var signedOn: CalendarDate?
        @Option(help: "Agreement in force from, YYYY-MM-DD.") var effectiveFrom: CalendarDate?
        @Option(help: "Fee in basis points of money collected (150 = 1.50 %).") var feeBp: Int?
        @Option(help: "Or a fixed fee per payment, roubles (15,00).") var feePerPayment: String?
        @Option(help: "daily, weekly or monthly.") var payout = "monthly"
        @Option(help: "center (pays to the center's account) or own (its own account, its own QR code).") var payee =
            "center"

        func principal() throws -> (Principal, AgencyAgreement?, [Service]) {
            var problems: [String] = []
            func check<T>(_ body: () throws(RequisiteError) -> T) -> T? {
                do { return try body() } catch {
                    problems.append(error.description)
                    return nil
                }
            }
            let inn = check { () throws(RequisiteError) in try INN(self.inn) }
            let kpp = check { () throws(RequisiteError) in try KPP(self.kpp) }
            let ogrn = check { () throws(RequisiteError) in try OGRN(self.ogrn) }
            let bic = check { () throws(RequisiteError) in try BIC(self.bic) }
            var corr: BankAccount?
            var settlement: BankAccount?
            if let bic {
                corr = check { () throws(RequisiteError) in try BankAccount(correspondent: corrAccount, bic: bic) }
                settlement = check { () throws(RequisiteError) in try BankAccount(account, bic: bic) }
            }
            let kind = Principal.Kind(rawValue: kind)
            if kind == nil {
                problems.append("kind: one of \(Principal.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if bankName.count > 45 { problems.append("bank name: at most 45 characters (the QR code's limit)") }
            var services: [Service] = []
            for text in service {
                let parts = text.split(separator: ":", maxSplits: 2).map(String.init)
                if parts.count == 3 {
                    services.append(Service(code: parts[0], name: parts[1], unit: parts[2]))
                } else {
                    problems.append("service '\(text)': write code:name:unit")
                }
            }
            var agreementValue: AgencyAgreement?
            if let agreement {
                let fee: AgencyAgreement.Fee?
                switch (feeBp, feePerPayment.flatMap { Money(parsing: $0) }) {
                case (let points?, nil) where (0...10_000).contains(points): fee = .basisPoints(points)
                case (nil, let sum?) where sum.kopecks >= 0: fee = .perPayment(sum)
                default: fee = nil
                }
                if fee == nil { problems.append("fee: give either --fee-bp (0...10000) or --fee-per-payment") }
                let schedule = AgencyAgreement.PayoutSchedule(rawValue: payout)
                if schedule == nil { problems.append("payout: daily, weekly or monthly") }
                let payeeValue = AgencyAgreement.Payee(rawValue: payee)
                if payeeValue == nil { problems.append("payee: center or own") }
                guard let signedOn, let effectiveFrom else {
                    throw ValidationError(
                        (problems + ["agreement: --signed-on and --effective-from are required"]).joined(
                            separator: "\n"))
                }
                if let fee, let schedule, let payeeValue {
                    agreementValue = AgencyAgreement(
                        number: agreement, signedOn: signedOn, effectiveFrom: effectiveFrom, fee: fee,
                        payoutSchedule: schedule, payee: payeeValue)
                }
            }
            guard problems.isEmpty, let inn, let kpp, let ogrn, let bic, let corr, let settlement, let kind else {
                throw ValidationError(problems.joined(separator: "\n"))
            }
            let principal = Principal(
                inn: inn, kpp: kpp, ogrn: ogrn, name: name, kind: kind,
                bankDetails: BankDetails(bankName: bankName, bic: bic, correspondentAccount: corr, account: settlement),
                address: address, phone: phone, email: email, contactPerson: contact)
            return (principal, agreementValue, services)
        }

        func run() throws {
            let (principal, agreement, services) = try principal()
            _ = try database.withConnection { connection in
                try connection.withTransaction {
                    let id = try PrincipalRegistry(connection: connection).add(
                        principal, agreement: agreement, services: services)
                    try Audit.record(
                        connection, "erc principals add", "principal", id: principal.inn.value,
                        principal: principal.inn.value,
                        after: "\(principal.name), \(agreement == nil ? "draft" : "active"), \(services.count) services"
                    )
                    return id
                }
            }
            print(
                "Registered \(principal.name), INN \(principal.inn): \(agreement.map { "active from \($0.effectiveFrom)" } ?? "draft (no agreement yet)")"
            )
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List principals with status, services, accounts and fee.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "table, csv or json.") var format: OutputFormat = .table
        @Option(help: "The day whose agreements count (default: today).") var asOf: CalendarDate?

        func run() throws {
            let list = try database.withConnection {
                try PrincipalRegistry(connection: $0).list(asOf: asOf ?? CenterCalendar.today)
            }
            if format == .json {
                print(try json(list))
                return
            }
            let table = Table(
                headers: ["INN", "Name", "Kind", "Status", "Since", "Services", "Accounts", "Fee", "Payee"],
                rows: list.map {
                    [
                        $0.inn, $0.name, $0.kind, $0.status, $0.statusSince ?? "", String($0.services),
                        String($0.accounts), $0.fee ?? "", $0.payee ?? "",
                    ]
                }, rightAligned: [5, 6])
            print(format == .csv ? table.csv() : table.text())
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one principal: requisites, agreements, services, tariffs, history.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The principal's INN.") var inn: String
        @Option(help: "text or json.") var format = "text"

        func run() throws {
            let details = try database.withConnection { try PrincipalRegistry(connection: $0).show(inn: inn) }
            if format == "json" {
                print(try json(details))
                return
            }
            let p = details.principal
            var lines = [
                "\(p.name) (\(p.kind.rawValue)), status \(details.status)",
                "INN \(p.inn)  KPP \(p.kpp)  OGRN \(p.ogrn)",
                "Address: \(p.address)",
                "Phone: \(p.phone)" + (p.email.map { "  E-mail: \($0)" } ?? "")
                    + (p.contactPerson.map { "  Contact: \($0)" } ?? ""),
                "Bank: \(p.bankDetails.bankName), BIC \(p.bankDetails.bic), corr. \(p.bankDetails.correspondentAccount), account \(p.bankDetails.account)",
                "Serves: \(details.houses) houses, \(details.accounts) accounts, \(details.meters) meters",
                p.graceDays.map { "Penalties: from day \($0 + 1) after the due date (its own days of grace)" }
                    ?? "Penalties: after the rates' days of grace",
                "Agreements:",
            ]
            lines += details.agreements.map {
                "  \($0.number) signed \($0.signedOn), from \($0.effectiveFrom): fee \($0.fee), payout \($0.payoutSchedule.rawValue), payee \($0.payee.rawValue)"
            }
            lines.append("Services:")
            for service in details.services {
                let tariffs = details.tariffs.filter { $0.serviceCode == service.code }
                    .map { "\($0.price) руб./\(service.unit) from \($0.effectiveFrom)" }.joined(separator: "; ")
                lines.append(
                    "  \(service.code)  \(service.name) (\(service.unit))" + (tariffs.isEmpty ? "" : ": \(tariffs)")
                        + (service.paymentDueDay.map { "; due on the \($0)th of the next month" } ?? ""))
            }
            lines.append("History:")
            lines += details.history.map { "  \($0.effectiveOn) \($0.status)" + ($0.reason.map { " (\($0))" } ?? "") }
            print(lines.joined(separator: "\n"))
        }
    }
}

/// `activate`, `suspend`, `resume`, `terminate`: one lifecycle move each.
protocol StatusChangeCommand: ParsableCommand {
    static var target: PrincipalStatus { get }
    var database: DatabaseOptions { get }
    var inn: String { get }
    var on: CalendarDate? { get }
    var reason: String? { get }
}

extension StatusChangeCommand {
    func run() throws {
        let day = on ?? CenterCalendar.today
        try database.withConnection { connection in
            try connection.withTransaction {
                let registry = PrincipalRegistry(connection: connection)
                let before = try? registry.show(inn: inn).status
                try registry.change(inn: inn, to: Self.target, on: day, reason: reason)
                try Audit.record(
                    connection, "erc principals \(Self._commandName)", "principal", id: inn, principal: inn,
                    before: before.map { "\($0)" }, after: "\(Self.target) from \(day)", source: reason)
            }
        }
        print("Principal \(inn) is \(Self.target) from \(day).")
    }
}

extension PrincipalsCommand {
    struct Activate: StatusChangeCommand {
        static let configuration = CommandConfiguration(abstract: "Activate a draft principal: its charges are billed.")
        static let target = PrincipalStatus.active
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The principal's INN.") var inn: String
        @Option(help: "From this day (default: today).") var on: CalendarDate?
        @Option(help: "Why, for the history.") var reason: String?
    }

    struct Suspend: StatusChangeCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suspend a principal: its charges are not billed until resumed.")
        static let target = PrincipalStatus.suspended
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The principal's INN.") var inn: String
        @Option(help: "From this day (default: today).") var on: CalendarDate?
        @Option(help: "Why, for the history.") var reason: String?
    }

    struct Resume: StatusChangeCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a suspended principal.")
        static let target = PrincipalStatus.active
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The principal's INN.") var inn: String
        @Option(help: "From this day (default: today).") var on: CalendarDate?
        @Option(help: "Why, for the history.") var reason: String?
    }

    struct Terminate: StatusChangeCommand {
        static let configuration = CommandConfiguration(
            abstract: "Terminate a principal: no more charges; its debt stays collectable.")
        static let target = PrincipalStatus.terminated
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The principal's INN.") var inn: String
        @Option(help: "From this day (default: today).") var on: CalendarDate?
        @Option(help: "Why, for the history.") var reason: String?
    }
}
