import Billing
import Core
import Foundation
import Hummingbird
import Storage

extension Routes {
    struct PaymentBody: Decodable {
        var account: String?
        /// Kopecks, a whole number (read as the number it is, to say so when it is not whole).
        var amount: JSONNumber?
        var terminalId: String?
        var transactionId: String?
        /// The day paid; today when absent.
        var paidOn: String?
        /// Paid for one principal (its QR code), optionally one service and period.
        var principalINN: String?
        var service: String?
        var period: String?
    }

    struct PaymentAnswer: Encodable {
        struct Part: Encodable {
            var principalINN: String
            var service: String
            var period: String
            var amount: Int64
            var kind: String
        }
        var payment: Int64
        var account: String
        var amount: Int64
        var postedPeriod: String
        var allocations: [Part]
    }

    /// POST /v1/payments: a payment taken by an infomat's terminal, without commission,
    /// recorded and split between the principals at once. A terminal belongs to one infomat key
    /// (the first that used it, or the one it was registered to): another key naming it is
    /// refused (403). The key, terminal and transaction id are the idempotency key: a retry
    /// records nothing and answers the same; the same transaction with another account, amount
    /// or designation is refused (422), as any reused key is.
    static func payments(_ routes: inout RouteList, services: APIServices) {
        routes.add(.post, "payments") { request, context in
            let key = try context.requireKey()
            try Scope.require(.infomat, key: key, what: "taking a payment")
            let body = try await Routes.body(PaymentBody.self, request)
            var problems: [String] = []
            let account = body.account.flatMap { try? PersonalAccountNumber($0) }
            if account == nil { problems.append("account must be a personal account number of 10 digits") }
            var amountKopecks: Int64?
            if let text = body.amount?.text {
                if text.contains(".") {
                    problems.append("amount must be a whole number of kopecks, not \(text): 12345 is 123,45 руб.")
                } else if let kopecks = Int64(text), (1...100_000_000).contains(kopecks) {
                    amountKopecks = kopecks
                } else {
                    problems.append("amount must be from 1 to 100000000 kopecks, not \(text)")
                }
            } else {
                problems.append("amount is missing: a whole number of kopecks from 1 to 100000000")
            }
            if !Routes.isIdentifier(body.terminalId, maxLength: 64) {
                problems.append("terminalId must be 1 to 64 visible ASCII characters")
            }
            if !Routes.isIdentifier(body.transactionId, maxLength: 64) {
                problems.append("transactionId must be 1 to 64 visible ASCII characters")
            }
            let today = services.today
            var paidOn = today
            if let text = body.paidOn {
                if let day = CalendarDate(iso: text), day <= today {
                    paidOn = day
                } else {
                    problems.append("paidOn must be a date, YYYY-MM-DD, not after today")
                }
            }
            var designation = PaymentAllocator.Designation(principalINN: body.principalINN, serviceCode: body.service)
            if let text = body.period {
                if let period = BillingPeriod(text) {
                    designation.period = period
                } else {
                    problems.append("period must be YYYY-MM")
                }
            }
            if body.service != nil, body.principalINN == nil { problems.append("service needs principalINN") }
            let idempotencyKey = Routes.idempotencyKey(request, key: key, &problems)
            guard problems.isEmpty, let account, let amount = amountKopecks, let terminal = body.terminalId,
                let transaction = body.transactionId
            else { throw Problem.invalid(problems) }
            _ = try await Scope.check(account: account.value, context: context, services: services)
            let payment = IncomingPayment(
                source: "infomat", operationId: "\(terminal)/\(transaction)", account: account,
                amount: Money(kopecks: amount), paidOn: paidOn, designation: designation)
            let fields: [(String, String?)] = [
                ("terminalId", terminal), ("transactionId", transaction), ("account", account.value),
                ("amount", String(amount)), ("paidOn", body.paidOn),
                ("principalINN", body.principalINN), ("service", body.service), ("period", body.period),
            ]
            let keys = ["\(key.id):terminal:\(terminal)/\(transaction)"] + (idempotencyKey.map { [$0] } ?? [])
            let keyId = key.id
            let recorded = try await Routes.write(
                services, keys: keys, route: "POST /v1/payments", fields: fields, by: key,
                audit: { recorded in
                    recorded.wasRecordedBefore
                        ? nil
                        : AuditedChange(
                            entity: "payment", id: String(recorded.id), account: account.value,
                            after: "\(Money(kopecks: amount).formatted()) руб., terminal \(terminal)")
                }
            ) { connection in
                guard try KeyStore(connection: connection).claimTerminal(terminal, for: keyId) == keyId else {
                    throw Problem.outsideScope(
                        "terminal \(terminal) belongs to another infomat: a kiosk pays through its own terminal")
                }
                return try PaymentBook(connection: connection).record(payment)
            }
            return try json(
                PaymentAnswer(
                    payment: recorded.id, account: account.value, amount: amount, postedPeriod: "\(recorded.period)",
                    allocations: recorded.allocations.map {
                        .init(
                            principalINN: $0.principalINN, service: $0.serviceCode, period: "\($0.period)",
                            amount: $0.amount.kopecks, kind: $0.kind.rawValue)
                    }),
                status: .created, headers: APIServer.replayed(recorded.wasRecordedBefore))
        }
    }
}
