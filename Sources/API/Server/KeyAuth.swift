import Core
import Foundation
import Hummingbird
import NIOConcurrencyHelpers

/// Keys already looked up, for a few seconds: a kiosk sending readings every few milliseconds
/// costs one database lookup per key and interval, not one per request. A revoked key stops
/// working within ``ttlSeconds``. Entries are found by the token's SHA-256, never the token.
final class KeyCache: Sendable {
    let ttlSeconds: UInt64
    private let entries = NIOLockedValueBox<[String: (key: APIKey, until: UInt64)]>([:])

    init(ttlSeconds: UInt64 = 5) {
        self.ttlSeconds = ttlSeconds
    }

    func key(forDigest digest: String, now: UInt64) -> APIKey? {
        entries.withLockedValue { entries in
            guard let entry = entries[digest], entry.until > now else { return nil }
            return entry.key
        }
    }

    func remember(_ key: APIKey, digest: String, now: UInt64) {
        entries.withLockedValue { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[digest] = (key, now + ttlSeconds * 1_000_000_000)
        }
    }
}

/// Sessions an infomat opens when its customer identifies an account (the ЕПД's code scanned
/// or the account typed): the kiosk's key then acts for that account only, request by request,
/// until the session expires. Kept in memory: a restart ends the sessions, and the kiosk opens
/// a new one.
final class InfomatSessions: Sendable {
    struct Session: Sendable {
        var keyId: Int64
        var account: String
        var until: UInt64
    }

    let lifetimeSeconds: UInt64
    private let sessions = NIOLockedValueBox<[String: Session]>([:])

    init(lifetimeSeconds: UInt64 = 15 * 60) {
        self.lifetimeSeconds = lifetimeSeconds
    }

    func open(keyId: Int64, account: String, now: UInt64) -> (token: String, until: UInt64) {
        var random = SystemRandomNumberGenerator()
        let token = "ses_" + hexString((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &random) })
        let until = now + lifetimeSeconds * 1_000_000_000
        sessions.withLockedValue { sessions in
            if sessions.count > 50_000 { sessions = sessions.filter { $0.value.until > now } }
            sessions[token] = Session(keyId: keyId, account: account, until: until)
        }
        return (token, until)
    }

    /// The account of a live session opened by this key.
    func account(token: String, keyId: Int64, now: UInt64) -> String? {
        sessions.withLockedValue { sessions in
            guard let session = sessions[token], session.keyId == keyId, session.until > now else { return nil }
            return session.account
        }
    }
}

/// Authenticates every /v1 request by its API key (`Authorization: Bearer <key>`): unknown,
/// malformed or revoked keys get 401 with the same message, whatever the reason.
struct KeyAuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let services: APIServices

    func handle(
        _ request: Request, context: APIRequestContext,
        next: @concurrent (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw Problem.unauthorized
        }
        let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard token.hasPrefix("erc_"), token.count == 68 else { throw Problem.unauthorized }
        let now = services.uptime()
        let digest = KeyStore.digestHex(token)
        var key = services.keys.key(forDigest: digest, now: now)
        if key == nil {
            key = try await services.pool.run(.read) { try KeyStore(connection: $0).authenticate(token) }
            if let key { services.keys.remember(key, digest: digest, now: now) }
        }
        guard let key else { throw Problem.unauthorized }
        var context = context
        context.key = key
        if key.role == .infomat, let name = APIServer.sessionHeader, let session = request.headers[name] {
            context.sessionAccount = services.sessions.account(token: session, keyId: key.id, now: now)
        }
        return try await next(request, context)
    }
}
