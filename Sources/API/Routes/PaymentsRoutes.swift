import Billing
import Core
import Foundation
import Hummingbird
import Storage

extension Routes {
    struct PaymentBody: Decodable {
        var account: String?
        /// Kopecks, a whole number.
        var amount: Int64?
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
    /// recorded and split between the principals at once. The terminal and its transaction id
    /// are the idempotency key: a retry records nothing and answers the same.
    static func payments(_ routes: inout RouteList, services: APIServices) {
        routes.add(.post, "payments") { request, context in
            let key = try context.requireKey()
            try Scope.require(.infomat, key: key, what: "taking a payment")
            let body = try await Routes.body(PaymentBody.self, request)
            var problems: [String] = []
            let account = body.account.flatMap { try? PersonalAccountNumber($0) }
            if account == nil { problems.append("account must be a personal account number of 10 digits") }
            if !(1...100_000_000).contains(body.amount ?? 0) {
                problems.append("amount must be a whole number of kopecks from 1 to 100000000")
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
                if let day = CalendarDate(iso: text), day <= today { paidOn = day } else {
                    problems.append("paidOn must be a date, YYYY-MM-DD, not after today")
                }
            }
            var designation = PaymentAllocator.Designation(principalINN: body.principalINN, serviceCode: body.service)
            if let text = body.period {
                if let period = BillingPeriod(text) { designation.period = period } else {
                    problems.append("period must be YYYY-MM")
                }
            }
            if body.service != nil, body.principalINN == nil { problems.append("service needs principalINN") }
            guard problems.isEmpty, let account, let amount = body.amount, let terminal = body.terminalId,
                let transaction = body.transactionId
            else { throw Problem.invalid(problems) }
            _ = try await Scope.check(account: account.value, context: context, services: services)
            let payment = IncomingPayment(
                source: "infomat", operationId: "\(terminal)/\(transaction)", account: account,
                amount: Money(kopecks: amount), paidOn: paidOn, designation: designation)
            let recorded = try await services.pool.run(.write) { try PaymentBook(connection: $0).record(payment) }
            return try json(
                PaymentAnswer(
                    payment: recorded.id, account: account.value, amount: amount, postedPeriod: "\(recorded.period)",
                    allocations: recorded.allocations.map {
                        .init(
                            principalINN: $0.principalINN, service: $0.serviceCode, period: "\($0.period)",
                            amount: $0.amount.kopecks, kind: $0.kind.rawValue)
                    }),
                status: .created, headers: recorded.wasRecordedBefore ? [APIServer.replayedHeader: "true"] : [:])
        }
    }
}
