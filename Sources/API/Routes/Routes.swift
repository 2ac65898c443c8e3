import Core
import Foundation
import Hummingbird
import Intake
import NIOCore
import Prometheus
import Storage

/// The routes, registered group by group (one file each), and what they share.
enum Routes {
    /// /health, /metrics and /openapi.json: no key needed.
    static func open(_ routes: inout RouteList, services: APIServices) {
        routes.add(.get, "health") { _, _ in
            let database: String
            do {
                _ = try await services.pool.run(.read) { try $0.scalar("SELECT 1") }
                database = "ok"
            } catch {
                database = "unavailable"
            }
            return try json(
                ["status": database == "ok" ? "ok" : "degraded", "database": database],
                status: database == "ok" ? .ok : .serviceUnavailable)
        }
        routes.add(.get, "metrics") { _, _ in
            let text = services.metrics.emitToBuffer()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
        }
        routes.add(.get, "openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
        }
    }

    /// An answer as JSON, keys sorted.
    static func json<T: Encodable>(
        _ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(
            status: status, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try JSONEncoder.api.encode(value))))
    }

    /// The request body as `T`: JSON, at most ``APIServer/maxBodyBytes``; a body that is not
    /// JSON of the right shape is a 400 naming where it went wrong.
    static func body<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        if let contentType = request.headers[.contentType], !contentType.lowercased().hasPrefix("application/json") {
            throw Problem(
                .unsupportedMediaType, code: "unsupported-media-type", title: "Unsupported media type",
                detail: "send the body as application/json")
        }
        var request = request
        let buffer = try await request.collectBody(upTo: APIServer.maxBodyBytes)
        guard buffer.readableBytes > 0 else { throw Problem.invalid(["the request has no body: send a JSON object"]) }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw Problem.invalid(["\(path(context.codingPath)) has the wrong type"])
        } catch let DecodingError.keyNotFound(key, context) {
            throw Problem.invalid(["\(path(context.codingPath + [key])) is missing"])
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw Problem.invalid(["\(path(context.codingPath)) has a value of the wrong kind"])
        } catch {
            throw Problem.invalid(["the body is not a JSON object"])
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the body" : keys.map(\.stringValue).joined(separator: ".")
    }

    /// Runs a write on the write lane, in one transaction with its idempotency key claimed first
    /// (``IdempotencyKeys``): a retry of the same request goes on to the domain, which answers as
    /// the first time; the same key on another request is refused (422 `idempotency-key-reused`),
    /// the same way on every route. `fields` are the request's meaning as the client sent it.
    static func write<T: Sendable>(
        _ services: APIServices, keys idempotencyKeys: [String], route: String, fields: [(String, String?)],
        by key: APIKey, audit: @escaping @Sendable (T) -> AuditedChange?,
        _ body: @escaping @Sendable (any Connection) throws -> T
    ) async throws -> T {
        try await write(services, keys: idempotencyKeys, route: route, fields: fields, by: key, audit: audit) {
            connection, _ in
            try body(connection)
        }
    }

    /// ``write(_:keys:route:fields:_:)`` for a write that is not idempotent by itself: `body`
    /// learns whether every key was seen before (a retry), to answer without writing again.
    /// What it changed (nil: nothing, a request seen before) goes into the audit trail in the
    /// same transaction, with the key that did it and the route.
    static func write<T: Sendable>(
        _ services: APIServices, keys idempotencyKeys: [String], route: String, fields: [(String, String?)],
        by key: APIKey, audit: @escaping @Sendable (T) -> AuditedChange?,
        _ body: @escaping @Sendable (any Connection, _ retry: Bool) throws -> T
    ) async throws -> T {
        let fingerprint = IdempotencyKeys.fingerprint(route: route, fields: fields)
        let now = services.nowStamp
        return try await services.pool.run(.write) { connection in
            try connection.withTransaction {
                var new = idempotencyKeys.isEmpty
                for key in idempotencyKeys {
                    if try IdempotencyKeys(connection: connection).claim(
                        key, route: route, fingerprint: fingerprint, now: now)
                    {
                        new = true
                    }
                }
                let result = try body(connection, !new)
                if new, let change = audit(result) {
                    try AuditTrail(connection: connection).record(
                        AuditEntry(
                            at: AuditedChange.now, actor: AuditActor(name: key.name, via: "api", keyId: key.id),
                            action: route, entity: change.entity, entityId: change.id, account: change.account,
                            principal: change.principal, after: change.after,
                            source: idempotencyKeys.isEmpty
                                ? nil : "idempotency key \(idempotencyKeys.joined(separator: ", "))"))
                }
                return result
            }
        }
    }

    /// The client's `Idempotency-Key`, kept per API key so two clients' keys never collide.
    /// A malformed one is added to `problems`.
    static func idempotencyKey(_ request: Request, key: APIKey, _ problems: inout [String]) -> String? {
        guard let name = APIServer.idempotencyHeader, let value = request.headers[name] else { return nil }
        guard isIdentifier(value, maxLength: 200) else {
            problems.append("Idempotency-Key must be 1 to 200 visible ASCII characters")
            return nil
        }
        return "\(key.id):\(value)"
    }

    /// 1 to `maxLength` visible ASCII characters: a client's key or a terminal's id.
    static func isIdentifier(_ text: String?, maxLength: Int) -> Bool {
        guard let text else { return false }
        return (1...maxLength).contains(text.count)
            && text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
    }

    /// The channel a body names, else the key's own (``channels(of:)``); a name that is no
    /// channel is added to `problems`. Whether the key may use it is the caller's check.
    static func channel(named name: String?, key: APIKey, _ problems: inout [String]) -> MeterReading.Channel? {
        guard let name else { return channels(of: key).first }
        guard let named = MeterReading.Channel(rawValue: name) else {
            problems.append(
                "channel must be one of \(MeterReading.Channel.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return named
    }
}

/// Who may act for an account: a channel's integration and an operator for any; a principal
/// for the premises it serves; an infomat for the account its customer identified (the
/// session), and for no other.
enum Scope {
    /// The principal a key is limited to (its database id), or nil for no limit. Throws 403
    /// when the account is outside the key's scope.
    static func check(
        account: String, context: APIRequestContext, services: APIServices
    ) async throws -> Int64? {
        let key = try context.requireKey()
        switch key.role {
        case .channel, .operator:
            return nil
        case .infomat:
            guard context.sessionAccount == account else {
                throw Problem.outsideScope(
                    "an infomat acts only for the account its customer identified: open a session with POST /v1/sessions "
                        + "and send its token in the ERC-Session header")
            }
            return nil
        case .principal:
            let inn = key.scope ?? ""
            let found = try await services.pool.run(.read) { connection -> (Int64, Bool)? in
                try connection.first(
                    """
                    SELECT p.id, (SELECT COUNT(*) FROM principal_accounts pa
                                  WHERE pa.principal_id = p.id AND pa.account_number = ?)
                    FROM principals p WHERE p.inn = ?
                    """, [account, inn]
                ).map { (try $0.int64(0), try $0.int64(1) > 0) }
            }
            guard let (principal, serves) = found, serves else {
                throw Problem.outsideScope("this account is not among the premises your key's principal serves")
            }
            return principal
        }
    }

    /// The principal a principal's key stands for (nil for other roles).
    static func principal(of key: APIKey, services: APIServices) async throws -> Int64? {
        guard key.role == .principal else { return nil }
        let inn = key.scope ?? ""
        let id = try await services.pool.run(.read) { connection in
            try connection.first("SELECT id FROM principals WHERE inn = ?", [inn]).map { try $0.int64(0) }
        }
        guard let id else { throw Problem.outsideScope("the principal of this key is not registered") }
        return id
    }

    /// The only role allowed on a route.
    static func require(_ roles: APIKey.Role..., key: APIKey, what: String) throws {
        guard roles.contains(key.role) else {
            throw Problem.outsideScope("\(what) is not open to \(key.role.rawValue) keys")
        }
    }
}

/// What a route changed, for the audit trail.
struct AuditedChange: Sendable {
    var entity: String
    var id: String?
    var account: String?
    var principal: String?
    var after: String?

    /// Now, UTC, as the log keeps instants.
    static var now: String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}
