public import Core
public import Storage

/// Who holds an API key and what it may touch.
public struct APIKey: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable, CaseIterable {
        /// A kiosk: acts only for the account the customer identified at it, request by request.
        case infomat
        /// A channel's integration (web site, chat bot, messenger gateway, IVR, contact center).
        case channel
        /// A principal: sees only the premises it serves.
        case principal
        /// A contact-center operator or supervisor.
        case `operator`
    }

    public var id: Int64
    public var name: String
    public var role: Role
    /// For a principal its INN, for an infomat its kiosk id, for a channel its name.
    public var scope: String?
    /// The first characters of the token, to tell keys apart in lists and logs.
    public var prefix: String
    public var createdAt: String
    public var revokedAt: String?
}

/// A key refused for a reason a person can act on (never the token itself).
public struct KeyError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// API keys: random 256-bit tokens shown once when made; the database keeps only their SHA-256,
/// looked up by it and compared in constant time (ARCHITECTURE.md, API). Revoked keys stay
/// listed with the day they were revoked.
public struct KeyStore {
    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    /// Makes a key; returns it with the token, which is not kept anywhere.
    public func create(name: String, role: APIKey.Role, scope: String?) throws -> (key: APIKey, token: String) {
        if role == .principal || role == .infomat || role == .channel, (scope ?? "").isEmpty {
            throw KeyError(message: "a \(role.rawValue) key needs its scope (principal INN, kiosk id or channel name)")
        }
        if role == .principal, let scope, (try? INN(scope)) == nil {
            throw KeyError(message: "\(scope) is not a valid INN")
        }
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        let token = "erc_" + hexString(bytes)
        let id = try connection.first(
            "INSERT INTO api_keys (name, role, scope, prefix, hash) VALUES (?, ?, ?, ?, ?) RETURNING id",
            [name, role.rawValue, scope, String(token.prefix(12)), Self.digestHex(token)])!.int64(0)
        return (try key(id: id)!, token)
    }

    /// The key a token belongs to, unless it is unknown or revoked.
    public func authenticate(_ token: String) throws -> APIKey? {
        let hashed = Self.digestHex(token)
        guard let row = try connection.first(
            "SELECT id, hash FROM api_keys WHERE hash = ? AND revoked_at IS NULL", [hashed])
        else { return nil }
        guard constantTimeEqual(Array(try row.string(1).utf8), Array(hashed.utf8)) else { return nil }
        return try key(id: try row.int64(0))
    }

    public func list() throws -> [APIKey] {
        try connection.all("SELECT id FROM api_keys ORDER BY id").compactMap { try key(id: try $0.int64(0)) }
    }

    /// Revokes a key from now on; revoking it again changes nothing.
    public func revoke(id: Int64) throws {
        guard try key(id: id) != nil else { throw KeyError(message: "no API key has id \(id)") }
        try connection.execute(
            "UPDATE api_keys SET revoked_at = CAST(CURRENT_TIMESTAMP AS TEXT) WHERE id = ? AND revoked_at IS NULL", [id])
    }

    func key(id: Int64) throws -> APIKey? {
        try connection.first(
            "SELECT id, name, role, scope, prefix, created_at, revoked_at FROM api_keys WHERE id = ?", [id]
        ).map { row in
            APIKey(
                id: try row.int64(0), name: try row.string(1), role: APIKey.Role(rawValue: try row.string(2)) ?? .channel,
                scope: try row.optionalString(3), prefix: try row.string(4), createdAt: try row.string(5),
                revokedAt: try row.optionalString(6))
        }
    }

    /// The SHA-256 of a token in hex, as the database keeps it.
    static func digestHex(_ token: String) -> String { SHA256.hex(Array(token.utf8)) }

    /// Compares without stopping at the first difference.
    private func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
