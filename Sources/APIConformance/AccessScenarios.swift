import API
import Billing
import Core
public import ERCTestSupport
import ExchangeConformance
import Foundation
public import Storage

/// Who may write what through the API, the same on every driver: an idempotency key reused for
/// another request is refused on every write route alike; an infomat's terminal is its own;
/// opening sessions is throttled per key and per account on a clock the test drives, an unknown
/// account answered as any refusal; `/metrics` counts the status the client got.
public enum AccessScenarios {
    static func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw APIScenarios.Failure(message: message()) }
    }

    /// Limits small enough to reach in a test: 3 sessions at once per key then one a minute, 2
    /// per account then one every ten minutes.
    static let limits = SessionLimits(perKey: Rate(burst: 3, every: 60), perAccount: Rate(burst: 2, every: 600))

    public static func run(location: DatabaseLocation, in folder: TemporaryDirectory) async throws {
        let connection = try location.open()
        try BillingScenarios.loadRegion(connection, premises: 12, in: folder)
        _ = try BillingRun(
            database: Database(connection.location), period: BillingScenarios.period,
            asOf: BillingScenarios.period.next.firstDay
        )
        .run()
        let clock = TestClock()
        let server = try await RunningServer.start(
            location: location, now: APIScenarios.now, clock: clock, sessionLimits: limits)
        do {
            try await scenarios(connection: connection, server: server, clock: clock)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    static func scenarios(connection: any Connection, server: RunningServer, clock: TestClock) async throws {
        let http = server.client
        let store = KeyStore(connection: connection)
        let accounts = try connection.all("SELECT number FROM accounts ORDER BY number LIMIT 6").map {
            try $0.string(0)
        }
        guard
            let meter = try connection.first(
                "SELECT serial, account_number FROM meters WHERE service_code = 'CW' ORDER BY account_number LIMIT 1")
        else { throw APIScenarios.Failure(message: "no water meter") }
        let (serial, metered) = (try meter.string(0), try meter.string(1))
        let web = try store.create(name: "сайт", role: .channel, scope: "web").token
        let water = try connection.first(
            "SELECT p.inn FROM principals p JOIN meters m ON m.principal_id = p.id WHERE m.serial = ?", [serial])!
            .string(0)
        let principal = try store.create(name: "водоканал", role: .principal, scope: water).token
        let kioskA = try store.create(name: "инфомат A", role: .infomat, scope: "K-A").token
        let kioskB = try store.create(name: "инфомат B", role: .infomat, scope: "K-B").token
        let kioskC = try store.create(name: "инфомат C", role: .infomat, scope: "K-C", terminals: ["T-C"])
        try expect(try store.terminals(of: kioskC.key.id) == ["T-C"], "erc keys create --terminal did not register T-C")

        // Sessions: per key, 3 at once; an unknown account is answered as any refusal and costs
        // an attempt; then 429 with Retry-After until the clock gives another.
        let unknown = "9999999999"
        var answers: [HTTPAnswer] = []
        for account in [accounts[0], unknown, accounts[1], accounts[2]] {
            answers.append(try await http.send("POST", "/v1/sessions", token: kioskA, json: ["account": account]))
        }
        try expect(answers[0].status == 201 && answers[2].status == 201, "sessions: \(answers.map(\.status))")
        try APIScenarios.expectProblem(answers[1], 404, "session-refused", "an unknown account")
        try expect(!(answers[1]["detail"] ?? "").contains(unknown), "the refusal names the account")
        try APIScenarios.expectProblem(answers[3], 429, "too-many-attempts", "a fourth session at once")
        try expect(
            answers[3].header("Retry-After") == "60", "Retry-After: \(answers[3].header("Retry-After") ?? "none")")
        let another = try await http.send("POST", "/v1/sessions", token: kioskA, json: ["account": "9999999998"])
        try expect(another.header("Retry-After") != nil && another.status == 429, "an unknown account throttled alike")
        clock.advance(seconds: 59)
        try expect(
            try await http.send("POST", "/v1/sessions", token: kioskA, json: ["account": accounts[2]]).status == 429,
            "a token came before its minute")
        clock.advance(seconds: 1)
        let sessionA = try await http.send("POST", "/v1/sessions", token: kioskA, json: ["account": accounts[2]])
        try expect(sessionA.status == 201, "after a minute: \(sessionA.status)")
        // Per account: two at once, from any kiosk.
        let fromB = try await http.send("POST", "/v1/sessions", token: kioskB, json: ["account": accounts[2]])
        try expect(fromB.status == 201, "the account's second session: \(fromB.status)")
        let third = try await http.send("POST", "/v1/sessions", token: kioskB, json: ["account": accounts[2]])
        try APIScenarios.expectProblem(third, 429, "too-many-attempts", "an account's third session")
        try expect(
            third.header("Retry-After") == "600", "per account Retry-After: \(third.header("Retry-After") ?? "")")
        let metrics = String(decoding: try await http.send("GET", "/metrics").body, as: UTF8.self)
        for outcome in ["opened", "refused", "throttled"] {
            try expect(
                metrics.contains("erc_infomat_session_attempts_total{outcome=\"\(outcome)\"}"),
                "no \(outcome) attempts in the metrics")
        }

        // A terminal is its infomat's: the first to pay through it, or the one it was made with.
        let sessionHeader = ["ERC-Session": sessionA["session"]!]
        let sessionB = ["ERC-Session": fromB["session"]!]
        let payment: [String: Any] = [
            "account": accounts[2], "amount": 50_000, "terminalId": "T-A", "transactionId": "7",
        ]
        let paid = try await http.send("POST", "/v1/payments", token: kioskA, headers: sessionHeader, json: payment)
        try expect(
            paid.status == 201, "kiosk A's payment: \(paid.status) \(String(decoding: paid.body, as: UTF8.self))")
        let payments = try connection.scalar("SELECT COUNT(*) FROM payments")
        let stolen = try await http.send("POST", "/v1/payments", token: kioskB, headers: sessionB, json: payment)
        try APIScenarios.expectProblem(
            stolen, 403, "outside-scope", "kiosk B replaying kiosk A's terminal and transaction")
        try expect(stolen.header("Idempotent-Replayed") == nil, "B was told A's payment was its own")
        let newOnA = try await http.send(
            "POST", "/v1/payments", token: kioskB, headers: sessionB,
            json: payment.merging(["transactionId": "8"]) { $1 })
        try APIScenarios.expectProblem(newOnA, 403, "outside-scope", "kiosk B paying through A's terminal")
        let onC = try await http.send(
            "POST", "/v1/payments", token: kioskA, headers: sessionHeader,
            json: payment.merging(["terminalId": "T-C"]) { $1 })
        try APIScenarios.expectProblem(onC, 403, "outside-scope", "kiosk A paying through C's registered terminal")
        try expect(try connection.scalar("SELECT COUNT(*) FROM payments") == payments, "a refused payment was stored")
        let retried = try await http.send("POST", "/v1/payments", token: kioskA, headers: sessionHeader, json: payment)
        try expect(retried.status == 201 && retried.header("Idempotent-Replayed") == "true", "A's own retry")

        // One key, another request: refused alike on every write route, nothing stored.
        let requests = try connection.scalar("SELECT COUNT(*) FROM service_requests")
        let request: [String: Any] = ["kind": "meter-verification", "account": metered, "meter": serial]
        let key = ["Idempotency-Key": "k-1"]
        let opened = try await http.send("POST", "/v1/requests", token: web, headers: key, json: request)
        try expect(opened.status == 201, "request: \(opened.status)")
        let other = try await http.send(
            "POST", "/v1/requests", token: web, headers: key, json: request.merging(["kind": "meter-sealing"]) { $1 })
        try APIScenarios.expectProblem(other, 422, "idempotency-key-reused", "a request key reused")
        let same = try await http.send("POST", "/v1/requests", token: web, headers: key, json: request)
        try expect(
            same.status == 201 && same["number"] == opened["number"] && same.header("Idempotent-Replayed") == "true",
            "the same request again")
        try expect(try connection.scalar("SELECT COUNT(*) FROM service_requests") == requests + 1, "requests stored")
        let reading = try await http.send(
            "POST", "/v1/readings", token: web, headers: key,
            json: ["account": metered, "meter": serial, "value": "1", "takenOn": "2026-11-10"])
        try APIScenarios.expectProblem(reading, 422, "idempotency-key-reused", "a request's key on a reading")
        let number = opened["number"]!
        let move = ["Idempotency-Key": "move-1"]
        let sent = try await http.send(
            "POST", "/v1/requests/\(number)/status", token: principal, headers: move,
            json: ["status": "sent-to-principal"])
        let resent = try await http.send(
            "POST", "/v1/requests/\(number)/status", token: principal, headers: move,
            json: ["status": "sent-to-principal"])
        try expect(
            sent.status == 200 && resent.status == 200 && resent.header("Idempotent-Replayed") == "true",
            "a retried status change: \(sent.status) \(resent.status) \(String(decoding: resent.body, as: UTF8.self))")
        let done = try await http.send(
            "POST", "/v1/requests/\(number)/status", token: principal, headers: move, json: ["status": "done"])
        try APIScenarios.expectProblem(done, 422, "idempotency-key-reused", "a status key reused for another status")
        try expect(
            try connection.scalar(
                "SELECT COUNT(*) FROM service_request_history h JOIN service_requests r ON r.id = h.request_id WHERE r.number = ?",
                [number]) == 2, "the retried change was recorded twice")
        let changed = try await http.send(
            "POST", "/v1/payments", token: kioskA, headers: sessionHeader, json: payment.merging(["amount": 100]) { $1 }
        )
        try APIScenarios.expectProblem(changed, 422, "idempotency-key-reused", "a transaction with another amount")

        // Refusals name the real fault.
        let fractional = try await http.send(
            "POST", "/v1/payments", token: kioskA, headers: sessionHeader,
            json: payment.merging(["amount": 12.5, "transactionId": "9"]) { $1 })
        try APIScenarios.expectProblem(fractional, 400, "invalid-request", "an amount of 12.5")
        try expect(
            (fractional["detail"] ?? "").contains("amount must be a whole number of kopecks, not 12.5"),
            "12.5 kopecks: \(fractional["detail"] ?? "")")
        let stringAmount = try await http.send(
            "POST", "/v1/payments", token: kioskA, headers: sessionHeader,
            json: payment.merging(["amount": "100", "transactionId": "9"]) { $1 })
        try expect(
            (stringAmount["detail"] ?? "").contains("amount has the wrong type"),
            "a string amount: \(stringAmount.json)")
        let ancient = try await http.send(
            "POST", "/v1/payments", token: kioskA, headers: sessionHeader,
            json: payment.merging(["paidOn": "2020-01-01", "transactionId": "10"]) { $1 })
        try APIScenarios.expectProblem(ancient, 422, "invalid-payment", "a payment dated 2020-01-01")
        try expect(
            (ancient["detail"] ?? "").contains(
                "the payment is dated 2020-01-01, before anything was charged to account \(accounts[2])"),
            "2020-01-01: \(ancient["detail"] ?? "")")

        // Dates before 2000 are refused, never a crash of the service.
        let y1999 = try await http.send(
            "POST", "/v1/payments", token: kioskA, headers: sessionHeader,
            json: payment.merging(["paidOn": "1999-01-01", "transactionId": "11"]) { $1 })
        try APIScenarios.expectProblem(y1999, 422, "invalid-payment", "a payment dated 1999-01-01")
        let oldReading = try await http.send(
            "POST", "/v1/readings", token: web,
            json: ["account": metered, "meter": serial, "value": "1", "takenOn": "1999-01-01"])
        try expect(oldReading.status == 422, "a reading taken in 1999: \(oldReading.status)")
        try expect(try await http.send("GET", "/health").status == 200, "the service died")
        // One Idempotency-Key on two payments (another transaction): refused as on every route.
        let keyed = ["Idempotency-Key": "pay-1"].merging(sessionHeader) { $1 }
        let firstKeyed = try await http.send(
            "POST", "/v1/payments", token: kioskA, headers: keyed, json: payment.merging(["transactionId": "20"]) { $1 }
        )
        try expect(firstKeyed.status == 201, "a keyed payment: \(firstKeyed.status)")
        let secondKeyed = try await http.send(
            "POST", "/v1/payments", token: kioskA, headers: keyed, json: payment.merging(["transactionId": "21"]) { $1 }
        )
        try APIScenarios.expectProblem(
            secondKeyed, 422, "idempotency-key-reused", "a payment key on another transaction")

        // /metrics: a refusal is counted with the status the client got.
        let refused = try await http.send(
            "POST", "/v1/readings", token: web,
            json: ["account": metered, "meter": "NO-SUCH", "value": "1", "takenOn": "2026-11-10"])
        try APIScenarios.expectProblem(refused, 422, "meter-not-found", "an unknown meter")
        let missing = try await http.send("GET", "/v1/requests/SR-0000-000000", token: web)
        try APIScenarios.expectProblem(missing, 404, "request-not-found", "no such request")
        let counted = String(decoding: try await http.send("GET", "/metrics").body, as: UTF8.self)
            .split(separator: "\n").filter { $0.hasPrefix("hb_requests{") }
        func statuses(_ route: String) -> Set<String> {
            Set(
                counted.filter { $0.contains("http_route=\"\(route)\"") }.compactMap { line in
                    line.firstMatch(of: #/http_response_status_code="(\d+)"/#).map { String($0.output.1) }
                })
        }
        try expect(statuses("/v1/readings").contains("422"), "readings' statuses: \(statuses("/v1/readings"))")
        try expect(
            statuses("/v1/requests/{number}").contains("404") || statuses("/v1/requests/:number").contains("404"),
            "requests' statuses: \(counted.filter { $0.contains("requests") })")
        try expect(
            !counted.contains { $0.contains("http_response_status_code=\"500\"") },
            "a refusal counted as 500: \(counted)")
    }

    /// Payments an infomat took before terminals had owners keep their terminals, unowned until
    /// the first infomat key uses each: migration 22 on a database with such a payment.
    public static func terminalMigration(location: DatabaseLocation) throws {
        let connection = try location.connect()
        try Migrator(connection, migrations: Schema.migrations.filter { $0.version < 22 }).migrate()
        try connection.execute(
            """
            INSERT INTO payments (bank, operation_id, account_number, amount, paid_on, posted_period)
            VALUES ('infomat', 'T-OLD/991', '0100000001', 1000, '2026-10-05', '2026-10'),
                   ('sber', 'X/1', '0100000001', 1000, '2026-10-05', '2026-10')
            """)
        try Migrator(connection).migrate()
        let rows = try connection.all("SELECT terminal, key_id FROM infomat_terminals")
        try expect(
            rows.count == 1 && (try rows[0].string(0)) == "T-OLD" && rows[0].isNull(1), "terminals after migration")
        let store = KeyStore(connection: connection)
        let first = try store.create(name: "a", role: .infomat, scope: "K-1").key.id
        let second = try store.create(name: "b", role: .infomat, scope: "K-2").key.id
        try expect(try store.claimTerminal("T-OLD", for: first) == first, "the first key did not claim T-OLD")
        try expect(try store.claimTerminal("T-OLD", for: second) == first, "a second key took T-OLD")
    }
}
