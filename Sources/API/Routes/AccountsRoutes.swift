import Core
import Foundation
import Hummingbird
import NIOCore
import Principals
import Receipts
import Storage

extension Routes {
    struct MetersAnswer: Encodable {
        struct Meter: Encodable {
            var serial: String
            var service: String
            var serviceName: String
            var unit: String
            var principalINN: String
            var principalName: String
            var digits: Int
            var installedOn: String
            var verifiedUntil: String
            var verificationExpired: Bool
            /// The day it was taken off; it takes no readings from then.
            var removedOn: String?
            var lastReading: LastReading?
            var window: Window
        }
        struct LastReading: Encodable {
            var value: String
            var takenOn: String
            var channel: String
        }
        /// Where a reading sent today goes: the period it counts for and the last day of it.
        struct Window: Encodable {
            var period: String
            var closesOn: String
            var dueDay: Int
        }
        var account: String
        var today: String
        var meters: [Meter]
    }

    /// GET /v1/accounts/{account}/meters and GET /v1/accounts/{account}/epd/{period}.
    static func accounts(_ routes: inout RouteList, services: APIServices) {
        routes.add(.get, "accounts/:account/meters") { _, context in
            let account = try accountParameter(context)
            let principal = try await Scope.check(account: account.value, context: context, services: services)
            let today = services.today
            let meters = try await services.pool.run(.read) { connection in
                try connection.all(
                    """
                    SELECT m.serial, m.service_code, COALESCE(s.name, m.service_code), COALESCE(s.unit, ''), p.inn, p.name,
                           m.digits, m.installed_on, m.verified_until, COALESCE(s.readings_due_day, 25),
                           r.value_milli, r.taken_on, r.channel, m.removed_on
                    FROM meters m
                    JOIN principals p ON p.id = m.principal_id
                    LEFT JOIN services s ON s.principal_id = m.principal_id AND s.code = m.service_code
                    LEFT JOIN readings r ON r.id = (
                        SELECT r2.id FROM readings r2 WHERE r2.principal_id = m.principal_id AND r2.meter_serial = m.serial
                        ORDER BY r2.taken_on DESC, r2.id DESC LIMIT 1)
                    WHERE m.account_number = ? AND (CAST(? AS BIGINT) IS NULL OR m.principal_id = ?)
                    ORDER BY m.service_code, m.serial
                    """, [account, principal, principal]
                ).map { row in
                    let dueDay = try row.int(9)
                    let month = BillingPeriod(containing: today)
                    let period = today.day <= dueDay ? month : month.next
                    let closesOn = period.day(dueDay)
                    let verifiedUntil = try row.date(8)
                    return MetersAnswer.Meter(
                        serial: try row.string(0), service: try row.string(1), serviceName: try row.string(2),
                        unit: try row.string(3), principalINN: try row.string(4), principalName: try row.string(5),
                        digits: try row.int(6), installedOn: "\(try row.date(7))", verifiedUntil: "\(verifiedUntil)",
                        verificationExpired: verifiedUntil < today,
                        removedOn: row.isNull(13) ? nil : "\(try row.date(13))",
                        lastReading: row.isNull(10)
                            ? nil
                            : MetersAnswer.LastReading(
                                value: formatMilli(try row.int64(10)).replacingOccurrences(of: ",", with: "."),
                                takenOn: "\(try row.date(11))", channel: try row.string(12)),
                        window: .init(period: "\(period)", closesOn: "\(closesOn)", dueDay: dueDay))
                }
            }
            guard !meters.isEmpty || principal != nil else {
                let known = try await services.pool.run(.read) {
                    try $0.scalar("SELECT COUNT(*) FROM accounts WHERE number = ?", [account]) > 0
                }
                guard known else {
                    throw Problem.notFound("account-not-found", "no premises has account \(account.value)")
                }
                return try json(MetersAnswer(account: account.value, today: "\(today)", meters: []))
            }
            return try json(MetersAnswer(account: account.value, today: "\(today)", meters: meters))
        }

        routes.add(.get, "accounts/:account/epd/:period") { request, context in
            let key = try context.requireKey()
            try Scope.require(.infomat, .channel, .operator, key: key, what: "the whole ЕПД")
            let account = try accountParameter(context)
            guard let text = context.parameters.get("period"), let period = BillingPeriod(text) else {
                throw Problem.invalid(["the period in the path must be YYYY-MM"])
            }
            // The single copy's QR code is UTF-8 (ST00012) unless the caller asks for CP1251.
            let charsetText = request.uri.queryParameters.get("charset") ?? "utf8"
            guard let charset = PaymentQR.Charset(name: charsetText) else {
                throw Problem.invalid(["charset must be utf8 or cp1251"])
            }
            _ = try await Scope.check(account: account.value, context: context, services: services)
            let pdf = try await services.pool.run(.read) { connection -> [UInt8]? in
                var bytes: [UInt8]?
                try EPDLoader(connection: connection).forEachDocument(period: period, .account(account)) {
                    bytes = try EPDRenderer(charset: charset).pdf($0)
                }
                return bytes
            }
            guard let pdf else {
                throw Problem.notFound("no-statement", "account \(account.value) has no statement for \(period) yet")
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/pdf",
                    .contentDisposition: "inline; filename=\"epd-\(account.value)-\(period).pdf\"",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: pdf)))
        }
    }

    struct DeliveryBody: Decodable {
        var delivery: String?
        var email: String?
        /// The day the customer consented; today when absent.
        var consentedOn: String?
    }

    struct DeliveryAnswer: Encodable {
        var account: String
        var delivery: String
        var email: String?
        var consentedOn: String
    }

    /// POST /v1/accounts/{account}/delivery: the customer's choice of ЕПД delivery (paper, email,
    /// both) with the day of consent, recorded by the center's channel, infomat (its session's
    /// account) or operator; the same choice again changes nothing.
    static func delivery(_ routes: inout RouteList, services: APIServices) {
        routes.add(.post, "accounts/:account/delivery") { request, context in
            let key = try context.requireKey()
            try Scope.require(.infomat, .channel, .operator, key: key, what: "recording a delivery choice")
            let account = try accountParameter(context)
            let body = try await Routes.body(DeliveryBody.self, request)
            var problems: [String] = []
            let delivery = body.delivery.flatMap(Delivery.init(rawValue:))
            if delivery == nil { problems.append("delivery must be one of paper, email, both") }
            if let email = body.email, let problem = DeliveryConsent.problem(withAddress: email) {
                problems.append("email: \(problem)")
            }
            if delivery?.mailed == true, body.email == nil { problems.append("email is needed for delivery by e-mail") }
            let idempotencyKey = Routes.idempotencyKey(request, key: key, &problems)
            let today = services.today
            var consentedOn = today
            if let text = body.consentedOn {
                if let day = CalendarDate(iso: text), day <= today {
                    consentedOn = day
                } else {
                    problems.append("consentedOn must be a date, YYYY-MM-DD, not after today")
                }
            }
            guard problems.isEmpty, let delivery else { throw Problem.invalid(problems) }
            _ = try await Scope.check(account: account.value, context: context, services: services)
            let consent = DeliveryConsent(
                account: account.value, delivery: delivery, email: delivery.mailed ? body.email : nil,
                consentedOn: consentedOn, source: "API key \(key.id) \(key.name)")
            let fields: [(String, String?)] = [
                ("account", account.value), ("delivery", delivery.rawValue), ("email", body.email),
                ("consentedOn", "\(consentedOn)"),
            ]
            let known = try await services.pool.run(.read) {
                try $0.first("SELECT 1 FROM accounts WHERE number = ?", [account.value]) != nil
            }
            guard known else { throw Problem.notFound("account-not-found", "no account \(account.value)") }
            _ = try await Routes.write(
                services, keys: idempotencyKey.map { [$0] } ?? [], route: "POST /v1/accounts/{account}/delivery",
                fields: fields, by: key,
                audit: { recorded in
                    recorded
                        ? AuditedChange(
                            entity: "delivery", id: "from \(consent.consentedOn)", account: account.value,
                            after: "\(delivery.rawValue)\(consent.email.map { " to \($0)" } ?? "")")
                        : nil
                }
            ) { try DeliveryBook(connection: $0).record(consent, byCenter: true, notAfter: today) }
            return try json(
                DeliveryAnswer(
                    account: account.value, delivery: delivery.rawValue, email: consent.email,
                    consentedOn: "\(consentedOn)"))
        }
    }

    static func accountParameter(_ context: APIRequestContext) throws -> PersonalAccountNumber {
        guard let text = context.parameters.get("account"), let account = try? PersonalAccountNumber(text) else {
            throw Problem.invalid(["the account in the path must be a personal account number of 10 digits"])
        }
        return account
    }
}
