import API
import Billing
import Core
public import ERCTestSupport
import ExchangeConformance
import Foundation
public import Storage

/// The HTTP service end to end on a generated, billed region, the same on every driver: keys
/// and scopes (401, 403), one reading per channel, every rejection reason, malformed and
/// oversize bodies, a retried reading stored once, a duplicate linked, the meters, the ЕПД as
/// PDF read back by pdftotext, an infomat payment retried and split to the kopeck,
/// self-service requests through their statuses, /health, /metrics, and the OpenAPI document
/// against the routes served.
public enum APIScenarios {
    /// 2026-11-20 10:00 in Chelyabinsk: readings count for November, due on the 25th.
    public static let now = Int64(CalendarDate(iso: "2026-11-20")!.dayNumber) * 86_400 + 5 * 3600

    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { "api: \(message)" }
    }

    static func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw Failure(message: message()) }
    }

    /// Expects a problem with this status and code.
    static func expectProblem(_ answer: HTTPAnswer, _ status: Int, _ code: String, _ what: String) throws {
        try expect(
            answer.status == status && answer["code"] == code
                && answer.header("Content-Type") == "application/problem+json",
            "\(what): expected \(status) \(code), got \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
    }

    public static func run(location: DatabaseLocation, in folder: TemporaryDirectory) async throws {
        let connection = try location.open()
        try BillingScenarios.loadRegion(connection, premises: 30, in: folder)
        _ = try BillingRun(
            database: Database(connection.location), period: BillingScenarios.period,
            asOf: BillingScenarios.period.next.firstDay
        ).run()
        let server = try await RunningServer.start(location: location, now: now)
        do {
            try await scenarios(connection: connection, server: server, folder: folder)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    static func scenarios(connection: any Connection, server: RunningServer, folder: TemporaryDirectory) async throws {
        let http = server.client
        let store = KeyStore(connection: connection)
        // A cold-water meter in verification and its last value; its principal; another account.
        guard
            let row = try connection.first(
                """
                SELECT m.account_number, m.serial, COALESCE(MAX(r.value_milli), m.initial_reading_milli, 0), p.inn, m.installed_on
                FROM meters m JOIN principals p ON p.id = m.principal_id
                LEFT JOIN readings r ON r.principal_id = m.principal_id AND r.meter_serial = m.serial
                WHERE m.service_code = 'CW' AND m.verified_until > '2027-01-01'
                GROUP BY m.account_number, m.serial, m.initial_reading_milli, p.inn, m.installed_on
                ORDER BY m.account_number LIMIT 1
                """)
        else { throw Failure(message: "no meter to read") }
        let account = try row.string(0)
        let meter = try row.string(1)
        var value = try row.int64(2)
        let waterINN = try row.string(3)
        let installed = try row.date(4)
        let other = try connection.first(
            "SELECT number FROM accounts WHERE number <> ? ORDER BY number LIMIT 1", [account])!.string(0)
        // A principal that does not serve the account.
        let stranger = try connection.first(
            """
            SELECT p.inn FROM principals p WHERE NOT EXISTS (
                SELECT 1 FROM principal_accounts pa WHERE pa.principal_id = p.id AND pa.account_number = ?)
            ORDER BY p.inn LIMIT 1
            """, [account])!.string(0)

        var tokens: [String: String] = [:]
        for channel in ["web", "bot", "messenger", "ivr"] {
            tokens[channel] = try store.create(name: "канал \(channel)", role: .channel, scope: channel).token
        }
        tokens["operator"] = try store.create(name: "оператор 12", role: .operator, scope: nil).token
        tokens["infomat"] = try store.create(name: "инфомат K-017", role: .infomat, scope: "K-017").token
        tokens["water"] = try store.create(name: "Водоканал", role: .principal, scope: waterINN).token
        tokens["stranger"] = try store.create(name: "чужой", role: .principal, scope: stranger).token
        let (revoked, revokedToken) = try store.create(name: "отозван", role: .channel, scope: "web")
        try store.revoke(id: revoked.id)
        let web = tokens["web"]!

        // Open routes.
        let health = try await http.send("GET", "/health")
        try expect(health.status == 200 && health["status"] == "ok", "health: \(health.status)")

        // 401: no key, a malformed one, an unknown one, a revoked one; all alike, none echoed.
        let reading: (Int64, String) -> [String: Any] = { value, day in
            [
                "account": account, "meter": meter,
                "value": formatMilli(value).replacingOccurrences(of: ",", with: "."), "takenOn": day,
            ]
        }
        var unauthorized: [String] = []
        for token in [nil, "nonsense", "erc_" + String(repeating: "0", count: 64), revokedToken] {
            let answer = try await http.send(
                "POST", "/v1/readings", token: token, json: reading(value + 1, "2026-11-19"))
            try expectProblem(answer, 401, "unauthorized", "key \(token?.prefix(8) ?? "none")")
            try expect(answer.header("WWW-Authenticate")?.hasPrefix("Bearer") == true, "401 without WWW-Authenticate")
            if let token {
                try expect(!String(decoding: answer.body, as: UTF8.self).contains(token), "the token was echoed")
            }
            unauthorized.append(answer["detail"] ?? "")
        }
        try expect(Set(unauthorized).count == 1, "401 messages differ: \(unauthorized)")

        // One reading per channel, each acknowledged.
        let before = try connection.scalar("SELECT COUNT(*) FROM readings")
        let infomatSession = try await http.send(
            "POST", "/v1/sessions", token: tokens["infomat"], json: ["account": account])
        try expect(infomatSession.status == 201, "session: \(infomatSession.status)")
        let session = ["ERC-Session": infomatSession["session"]!]
        var acknowledgements: [String] = []
        for (index, sender) in ["web", "bot", "messenger", "ivr", "operator", "infomat", "water"].enumerated() {
            value += 1_125
            let answer = try await http.send(
                "POST", "/v1/readings", token: tokens[sender], headers: sender == "infomat" ? session : [:],
                json: reading(value, "2026-11-0\(index + 1)"))
            try expect(
                answer.status == 201, "\(sender): \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
            try expect(answer["period"] == "2026-11" && answer["consumption"] == "1.125", "\(sender): \(answer.json)")
            let expected = ["operator": "contact-center", "water": "principal"][sender] ?? sender
            try expect(answer["channel"] == expected, "\(sender) stored as channel \(answer["channel"] ?? "")")
            acknowledgements.append(answer["acknowledgement"] ?? "")
        }
        try expect(
            Set(acknowledgements).count == 7 && acknowledgements.allSatisfy { $0.hasPrefix("R-") },
            "acks: \(acknowledgements)")
        try expect(
            try connection.scalar("SELECT COUNT(*) FROM readings") == before + 7, "seven readings, one per channel")

        // A retry with the same Idempotency-Key: the same answer, stored once.
        value += 500
        let first = try await http.send(
            "POST", "/v1/readings", token: web, headers: ["Idempotency-Key": "retry-1"],
            json: reading(value, "2026-11-10"))
        let again = try await http.send(
            "POST", "/v1/readings", token: web, headers: ["Idempotency-Key": "retry-1"],
            json: reading(value, "2026-11-10"))
        try expect(
            first.status == 201 && again.status == 201 && first.body == again.body, "a retry answered differently")
        try expect(
            first.header("Idempotent-Replayed") == nil && again.header("Idempotent-Replayed") == "true", "replay header"
        )
        try expect(try connection.scalar("SELECT COUNT(*) FROM readings") == before + 8, "a retry was stored")
        // The same key for another reading: refused.
        let reused = try await http.send(
            "POST", "/v1/readings", token: web, headers: ["Idempotency-Key": "retry-1"],
            json: reading(value + 10, "2026-11-10"))
        try expectProblem(reused, 422, "idempotency-key-reused", "a key reused")
        // Another client's same key is its own.
        let bot = try await http.send(
            "POST", "/v1/readings", token: tokens["bot"], headers: ["Idempotency-Key": "retry-1"],
            json: reading(value, "2026-11-10"))
        try expect(
            bot.status == 201 && bot["duplicateOf"] == first["id"], "the bot's same value, day and meter: \(bot.json)")

        // Every rejection reason.
        let rejections: [(String, [String: Any])] = [
            ("meter-not-found", ["account": account, "meter": "NO-SUCH", "value": "1", "takenOn": "2026-11-10"]),
            ("taken-in-future", reading(value + 10, "2026-11-21")),
            ("taken-before-installed", reading(value + 10, "\(installed.adding(days: -1))")),
            ("too-many-digits", reading(100_000_000, "2026-11-11")),
            ("below-previous", reading(value - 5_000, "2026-11-11")),
            ("implausible-consumption", reading(value + 31_000, "2026-11-11")),
        ]
        for (code, body) in rejections {
            let answer = try await http.send("POST", "/v1/readings", token: web, json: body)
            try expectProblem(answer, 422, code, code)
            try expect(!(answer["detail"] ?? "").isEmpty, "\(code) without a message")
        }
        // Malformed, incomplete, oversize, not JSON.
        let bad = try await http.send(
            "POST", "/v1/readings", token: web,
            json: ["account": "12", "meter": meter, "value": "1e5", "takenOn": "20.11.2026"])
        try expectProblem(bad, 400, "invalid-request", "three bad fields")
        try expect((bad.json["problems"] as? [Any])?.count == 3, "every problem listed: \(bad.json)")
        let garbage = try await http.send("POST", "/v1/readings", token: web, body: Data("{\"account\": ".utf8))
        try expectProblem(garbage, 400, "invalid-request", "broken JSON")
        let typed = try await http.send("POST", "/v1/readings", token: web, body: Data("[1, 2]".utf8))
        try expectProblem(typed, 400, "invalid-request", "an array body")
        let huge = try await http.send(
            "POST", "/v1/readings", token: web,
            json: ["account": account, "meter": String(repeating: "x", count: 40_000)])
        try expectProblem(huge, 413, "body-too-large", "a 40 KB body")
        let text = try await http.send(
            "POST", "/v1/readings", token: web, headers: ["Content-Type": "text/plain"], body: Data("hello".utf8))
        try expectProblem(text, 415, "unsupported-media-type", "text/plain")
        let noRoute = try await http.send("GET", "/v1/nothing", token: web)
        try expectProblem(noRoute, 404, "no-route", "an unknown route")

        // 403: outside the key's scope.
        let noSession = try await http.send(
            "POST", "/v1/readings", token: tokens["infomat"], json: reading(value + 1, "2026-11-12"))
        try expectProblem(noSession, 403, "outside-scope", "an infomat without a session")
        let otherAccount = try await http.send(
            "GET", "/v1/accounts/\(other)/meters", token: tokens["infomat"], headers: session)
        try expectProblem(otherAccount, 403, "outside-scope", "an infomat for another account")
        let strangers = try await http.send("GET", "/v1/accounts/\(account)/meters", token: tokens["stranger"])
        try expectProblem(strangers, 403, "outside-scope", "a principal for premises it does not serve")
        let asBot = try await http.send(
            "POST", "/v1/readings", token: web,
            json: reading(value + 1, "2026-11-12").merging(["channel": "bot"]) { $1 })
        try expectProblem(asBot, 403, "outside-scope", "the web key sending as the bot")
        let webPays = try await http.send(
            "POST", "/v1/payments", token: web,
            json: ["account": account, "amount": 100, "terminalId": "T", "transactionId": "1"])
        try expectProblem(webPays, 403, "outside-scope", "a channel key taking a payment")
        let principalEPD = try await http.send("GET", "/v1/accounts/\(account)/epd/2026-10", token: tokens["water"])
        try expectProblem(principalEPD, 403, "outside-scope", "a principal asking for the whole ЕПД")

        // Meters: the last reading shown; a principal sees only its own meters.
        let meters = try await http.send("GET", "/v1/accounts/\(account)/meters", token: web)
        let list = meters.json["meters"] as? [[String: Any]] ?? []
        let shown = list.first { $0["serial"] as? String == meter }
        let last = shown?["lastReading"] as? [String: Any]
        try expect(
            last?["value"] as? String == formatMilli(value).replacingOccurrences(of: ",", with: "."),
            "the meter's last reading: \(String(describing: last))")
        try expect(
            (shown?["window"] as? [String: Any])?["period"] as? String == "2026-11",
            "window: \(String(describing: shown))")
        let waterMeters = try await http.send("GET", "/v1/accounts/\(account)/meters", token: tokens["water"])
        let waterList = waterMeters.json["meters"] as? [[String: Any]] ?? []
        try expect(
            !waterList.isEmpty && waterList.count < list.count
                && waterList.allSatisfy { $0["principalINN"] as? String == waterINN },
            "the water company saw \(waterList.count) of \(list.count) meters")

        // The ЕПД as PDF, read back with pdftotext.
        let epd = try await http.send(
            "GET", "/v1/accounts/\(account)/epd/2026-10", token: tokens["infomat"], headers: session)
        try expect(
            epd.status == 200 && epd.header("Content-Type") == "application/pdf"
                && epd.body.starts(with: Data("%PDF".utf8)),
            "ЕПД: \(epd.status)")
        let pdf = folder.file("epd.pdf")
        try epd.body.write(to: URL(fileURLWithPath: pdf))
        let extracted = try ProcessRunner.run(try ProcessRunner.resolve("pdftotext"), ["-layout", pdf, "-"])
        try expect(extracted.stdout.contains(account) && extracted.stdout.contains("октябрь 2026"), "the ЕПД's text")
        let unbilled = try await http.send(
            "GET", "/v1/accounts/\(account)/epd/2026-12", token: tokens["infomat"], headers: session)
        try expectProblem(unbilled, 404, "no-statement", "an unbilled period")

        // An infomat payment, retried: recorded once, split to the kopeck.
        let payment: [String: Any] = [
            "account": account, "amount": 123_456, "terminalId": "T-017", "transactionId": "000042",
        ]
        let paid = try await http.send(
            "POST", "/v1/payments", token: tokens["infomat"], headers: session, json: payment)
        let repaid = try await http.send(
            "POST", "/v1/payments", token: tokens["infomat"], headers: session, json: payment)
        try expect(paid.status == 201 && repaid.body == paid.body, "payment retry: \(paid.status) \(repaid.status)")
        let parts = (paid.json["allocations"] as? [[String: Any]] ?? []).compactMap { $0["amount"] as? Int }
        try expect(parts.reduce(0, +) == 123_456 && !parts.isEmpty, "allocations \(parts) do not add up to 123456")
        try expect(
            try connection.scalar(
                "SELECT COUNT(*) FROM payments WHERE bank = 'infomat' AND operation_id = 'T-017/000042'") == 1,
            "the payment was stored twice")
        try expect(
            try connection.scalar(
                "SELECT -SUM(p.amount) FROM postings p JOIN payments y ON y.id = p.payment_id WHERE y.operation_id = 'T-017/000042'"
            )
                == 123_456, "the payment's postings do not add up")
        let changed = try await http.send(
            "POST", "/v1/payments", token: tokens["infomat"], headers: session,
            json: payment.merging(["amount": 100]) { $1 })
        try expectProblem(changed, 422, "idempotency-key-reused", "the same transaction with another amount")

        // A self-service request: opened at the kiosk, routed to the water company, moved along.
        let opened = try await http.send(
            "POST", "/v1/requests", token: tokens["infomat"],
            headers: session.merging(["Idempotency-Key": "sr-1"]) { $1 },
            json: ["kind": "meter-verification", "account": account, "meter": meter, "contact": "+7 900 000-00-00"])
        let reopened = try await http.send(
            "POST", "/v1/requests", token: tokens["infomat"],
            headers: session.merging(["Idempotency-Key": "sr-1"]) { $1 },
            json: ["kind": "meter-verification", "account": account, "meter": meter, "contact": "+7 900 000-00-00"])
        let number = opened["number"] ?? ""
        try expect(
            opened.status == 201 && opened["status"] == "new" && opened["principalINN"] == waterINN, "\(opened.json)")
        try expect(reopened["number"] == number && number.hasPrefix("SR-2026-"), "a retried request opened another")
        // The customer chooses the ЕПД by e-mail at the kiosk: recorded once, as the center's own.
        let chosen = try await http.send(
            "POST", "/v1/accounts/\(account)/delivery", token: tokens["infomat"], headers: session,
            json: ["delivery": "email", "email": "ivanov@mail.example", "consentedOn": "2026-11-01"])
        try expect(chosen.status == 200 && chosen["delivery"] == "email", "delivery: \(chosen.json)")
        let badAddress = try await http.send(
            "POST", "/v1/accounts/\(account)/delivery", token: tokens["infomat"], headers: session,
            json: ["delivery": "both", "email": "ivanov at mail"])
        try expect(badAddress.status == 400, "a bad address: \(badAddress.json)")
        let nobody = try await http.send(
            "POST", "/v1/accounts/9999999999/delivery", token: web, json: ["delivery": "paper"])
        try expect(nobody.status == 404, "an unknown account: \(nobody.status) \(nobody.json)")
        try expect(
            try connection.scalar(
                "SELECT COUNT(*) FROM delivery_consents WHERE account_number = ? AND by_center = 1", [account]) == 1,
            "the kiosk's choice is not recorded once")
        // A retry with its Idempotency-Key records nothing more; the key on another choice is refused.
        let keyed = ["Idempotency-Key": "delivery-1"]
        for _ in 0..<2 {
            let again = try await http.send(
                "POST", "/v1/accounts/\(account)/delivery", token: web, headers: keyed,
                json: ["delivery": "both", "email": "ivanov@mail.example", "consentedOn": "2026-11-02"])
            try expect(again.status == 200, "delivery with a key: \(again.json)")
        }
        let reusedKey = try await http.send(
            "POST", "/v1/accounts/\(account)/delivery", token: web, headers: keyed, json: ["delivery": "paper"])
        try expectProblem(reusedKey, 422, "idempotency-key-reused", "a delivery key reused")
        try expect(
            try connection.scalar(
                "SELECT COUNT(*) FROM delivery_consents WHERE account_number = ? AND by_center = 1", [account]) == 2,
            "a retried delivery choice was stored twice")
        let owner = try await http.send(
            "POST", "/v1/requests", token: web, json: ["kind": "owner-change", "account": account, "service": "NOPE"])
        try expectProblem(owner, 422, "service-not-found", "owner change for a service nobody supplies")
        let inbox = try await http.send("GET", "/v1/requests?status=new", token: tokens["water"])
        try expect(
            (inbox.json["requests"] as? [[String: Any]] ?? []).contains { $0["number"] as? String == number },
            "the water company's new requests: \(inbox.json)")
        let hidden = try await http.send("GET", "/v1/requests/\(number)", token: tokens["stranger"])
        try expectProblem(hidden, 404, "request-not-found", "another principal's request")
        for status in ["sent-to-principal", "done"] {
            let moved = try await http.send(
                "POST", "/v1/requests/\(number)/status", token: tokens["water"],
                json: ["status": status, "comment": "ok"])
            try expect(moved.status == 200 && moved["status"] == status, "move to \(status): \(moved.json)")
        }
        let backwards = try await http.send(
            "POST", "/v1/requests/\(number)/status", token: tokens["water"], json: ["status": "refused"])
        try expectProblem(backwards, 409, "invalid-transition", "done to refused")
        let shownRequest = try await http.send(
            "GET", "/v1/requests/\(number)", token: tokens["infomat"], headers: session)
        try expect(
            (shownRequest.json["history"] as? [[String: Any]] ?? []).map { $0["status"] as? String ?? "" }
                == ["new", "sent-to-principal", "done"], "history: \(shownRequest.json)")

        // Metrics per route, and the OpenAPI document against the routes served.
        let metrics = String(decoding: try await http.send("GET", "/metrics").body, as: UTF8.self)
        try expect(
            metrics.contains("http_server_request_duration") && metrics.contains("/v1/readings"),
            "metrics without the readings route")
        try checkOpenAPI(try await http.send("GET", "/openapi.json"), served: server.routes)

        // Every route that writes left what it changed in the audit trail, under the key that did
        // it (a session opens nothing in the books); a retry answered from before added nothing.
        for route in server.routes where route.method == "POST" && !route.path.hasSuffix("/sessions") {
            let entries = try connection.scalar(
                "SELECT COUNT(*) FROM audit_log WHERE action = ? AND via = 'api' AND key_id IS NOT NULL",
                [route.description])
            try expect(entries > 0, "\(route.description) wrote without an audit entry")
        }
        let retried = try connection.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'POST /v1/readings' AND source LIKE '%retry-1%'")
        // The web channel's reading and the bot's with the same client key; not the web's retry.
        try expect(retried == 2, "readings sent with retry-1 are in the audit trail \(retried) times, not 2")
    }

    /// Every route served is in the document, with its method, and nothing else is.
    static func checkOpenAPI(_ answer: HTTPAnswer, served routes: [RouteDescription]) throws {
        let paths = answer.json["paths"] as? [String: Any] ?? [:]
        var documented: Set<String> = []
        for (path, item) in paths {
            for method in (item as? [String: Any] ?? [:]).keys { documented.insert("\(method.uppercased()) \(path)") }
        }
        let served = Set(routes.map(\.description))
        try expect(
            documented == served,
            "OpenAPI and routes differ: only documented \(documented.subtracting(served).sorted()), "
                + "only served \(served.subtracting(documented).sorted())")
    }
}
