import Core
import Foundation
import Hummingbird
import Intake
import Storage

/// A decimal that arrives as a JSON string ("123.456") or number (123.456), kept as text so
/// that no floating-point rounding touches it.
struct DecimalText: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string
        } else {
            text = "\(try container.decode(Decimal.self))"
        }
    }
}

/// A JSON number kept as the text of its exact decimal value: a whole number of kopecks is told
/// apart from 12.5 without floating point; a string is the wrong type.
struct JSONNumber: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        text = "\(try decoder.singleValueContainer().decode(Decimal.self))"
    }
}

extension Routes {
    struct ReadingBody: Decodable {
        var account: String?
        var meter: String?
        var value: DecimalText?
        var takenOn: String?
        var channel: String?
    }

    struct ReadingAnswer: Encodable {
        var acknowledgement: String
        var id: Int64
        var account: String
        var meter: String
        var value: String
        var takenOn: String
        var channel: String
        var period: String
        var consumption: String
        var flags: [String]
        var duplicateOf: Int64?
    }

    struct SessionBody: Decodable {
        var account: String?
    }

    struct SessionAnswer: Encodable {
        var session: String
        var account: String
        var expiresInSeconds: UInt64
    }

    /// The channels a key may send readings as, the first its default.
    static func channels(of key: APIKey) -> [MeterReading.Channel] {
        switch key.role {
        case .infomat: [.infomat]
        case .principal: [.principal]
        case .operator: [.contactCenter, .ivr]
        case .channel:
            MeterReading.Channel(rawValue: key.scope ?? "").map { [$0] } ?? []
        }
    }

    /// POST /v1/readings and POST /v1/sessions.
    static func readings(_ routes: inout RouteList, services: APIServices) {
        routes.add(.post, "sessions") { request, context in
            let key = try context.requireKey()
            try Scope.require(.infomat, key: key, what: "opening a kiosk session")
            let body = try await Routes.body(SessionBody.self, request)
            guard let text = body.account, let account = try? PersonalAccountNumber(text) else {
                throw Problem.invalid(["account must be a personal account number of 10 digits"])
            }
            // Throttled per key and per account before the account is looked up, so that an
            // unknown account costs an attempt as a known one does.
            let now = services.uptime()
            if let wait = services.throttle.attempt(keyId: key.id, account: account.value, now: now) {
                APIMetrics.sessionAttempt("throttled")
                throw Problem(
                    .tooManyRequests, code: "too-many-attempts", title: "Too many attempts",
                    detail:
                        "too many sessions were asked for from this kiosk or for this account: try again in \(wait) s",
                    headers: [.retryAfter: "\(wait)"])
            }
            let known = try await services.pool.run(.read) {
                try $0.scalar("SELECT COUNT(*) FROM accounts WHERE number = ?", [account]) > 0
            }
            guard known else {
                APIMetrics.sessionAttempt("refused")
                throw Problem.notFound("session-refused", "no session was opened: check the account number")
            }
            APIMetrics.sessionAttempt("opened")
            let opened = services.sessions.open(keyId: key.id, account: account.value, now: now)
            return try json(
                SessionAnswer(
                    session: opened.token, account: account.value, expiresInSeconds: services.sessions.lifetimeSeconds),
                status: .created)
        }

        routes.add(.post, "readings") { request, context in
            let key = try context.requireKey()
            let body = try await Routes.body(ReadingBody.self, request)
            var problems: [String] = []
            let account = body.account.flatMap { try? PersonalAccountNumber($0) }
            if account == nil { problems.append("account must be a personal account number of 10 digits") }
            let meter = body.meter?.trimmingCharacters(in: .whitespaces) ?? ""
            if meter.isEmpty || meter.count > 40 {
                problems.append("meter must be the meter's serial number (1 to 40 characters)")
            }
            let value = body.value.flatMap { parseMilli($0.text) }
            if value == nil {
                problems.append("value must be a number of at least 0 with up to 3 decimals, without exponent")
            }
            let takenOn = body.takenOn.flatMap { CalendarDate(iso: $0) }
            if takenOn == nil { problems.append("takenOn must be a date, YYYY-MM-DD") }
            let channel = Routes.channel(named: body.channel, key: key, &problems)
            let idempotencyKey = Routes.idempotencyKey(request, key: key, &problems)
            guard problems.isEmpty, let account, let value, let takenOn, let channel else {
                throw Problem.invalid(problems)
            }
            guard channels(of: key).contains(channel) else {
                throw Problem.outsideScope("this key cannot send readings as channel \(channel.rawValue)")
            }
            let principal = try await Scope.check(account: account.value, context: context, services: services)
            let submission = ReadingSubmission(
                account: account, meter: meter, valueMilli: value, takenOn: takenOn, channel: channel,
                receivedAt: services.nowStamp, idempotencyKey: idempotencyKey)
            let today = services.today
            let rules = services.rules
            let fields: [(String, String?)] = [
                ("account", account.value), ("meter", meter), ("value", String(value)), ("takenOn", "\(takenOn)"),
                ("channel", channel.rawValue),
            ]
            let ack = try await Routes.write(
                services, keys: idempotencyKey.map { [$0] } ?? [], route: "POST /v1/readings", fields: fields, by: key,
                audit: { ack in
                    ack.replayed
                        ? nil
                        : AuditedChange(
                            entity: "reading", id: String(ack.id), account: account.value,
                            after: "meter \(meter): \(formatMilli(value)) on \(takenOn), \(channel.rawValue)")
                }
            ) {
                try ReadingIntake(connection: $0, rules: rules, today: today).submit(submission, principal: principal)
            }
            return try json(
                ReadingAnswer(
                    acknowledgement: "R-\(ack.id)", id: ack.id, account: account.value, meter: meter,
                    value: formatMilli(value).replacingOccurrences(of: ",", with: "."), takenOn: "\(takenOn)",
                    channel: channel.rawValue, period: "\(ack.period)",
                    consumption: formatMilli(ack.consumptionMilli).replacingOccurrences(of: ",", with: "."),
                    flags: ack.flags.map(\.rawValue), duplicateOf: ack.duplicateOf),
                status: .created, headers: APIServer.replayed(ack.replayed))
        }
    }
}
