import Core
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

    /// Makes a key; returns it with the token, which is not kept anywhere. An infomat's key may
    /// be given its payment terminals at once (else each is its key's when first used).
    public func create(
        name: String, role: APIKey.Role, scope: String?, terminals: [String] = []
    ) throws -> (key: APIKey, token: String) {
        if !terminals.isEmpty, role != .infomat {
            throw KeyError(message: "only an infomat key has payment terminals")
        }
        for terminal in terminals where !(1...64).contains(terminal.count) || terminal.contains("/") {
            throw KeyError(message: "terminal \(terminal): 1 to 64 characters, no '/'")
        }
        if role == .principal || role == .infomat || role == .channel, (scope ?? "").isEmpty {
            throw KeyError(message: "a \(role.rawValue) key needs its scope (principal INN, kiosk id or channel name)")
        }
        if role == .principal, let scope, (try? INN(scope)) == nil {
            throw KeyError(message: "\(scope) is not a valid INN")
        }
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        let token = "erc_" + hexString(bytes)
        let id = try connection.withTransaction {
            let id = try connection.one(
                "INSERT INTO api_keys (name, role, scope, prefix, hash) VALUES (?, ?, ?, ?, ?) RETURNING id",
                [name, role.rawValue, scope, String(token.prefix(12)), Self.digestHex(token)]
            ).int64(0)
            for terminal in terminals where try claimTerminal(terminal, for: id) != id {
                throw KeyError(message: "terminal \(terminal) belongs to another infomat key")
            }
            return id
        }
        guard let key = try key(id: id) else { throw KeyError(message: "key \(id) was not stored") }
        return (key, token)
    }

    /// The infomat key a payment terminal belongs to: the first key to use it (or the one it was
    /// registered to), so that one kiosk cannot speak for another's terminal. A terminal nobody
    /// has yet (or a terminal of payments taken before keys owned them) becomes `keyId`'s.
    public func claimTerminal(_ terminal: String, for keyId: Int64) throws -> Int64 {
        try connection.execute(
            "INSERT INTO infomat_terminals (terminal, key_id) VALUES (?, ?) ON CONFLICT (terminal) DO NOTHING",
            [terminal, keyId])
        try connection.execute(
            "UPDATE infomat_terminals SET key_id = ? WHERE terminal = ? AND key_id IS NULL", [keyId, terminal])
        return try connection.scalar("SELECT key_id FROM infomat_terminals WHERE terminal = ?", [terminal])
    }

    /// The terminals of a key.
    public func terminals(of keyId: Int64) throws -> [String] {
        try connection.all("SELECT terminal FROM infomat_terminals WHERE key_id = ? ORDER BY terminal", [keyId])
            .map { try $0.string(0) }
    }

    /// The key a token belongs to, unless it is unknown or revoked.
    public func authenticate(_ token: String) throws -> APIKey? {
        let hashed = Self.digestHex(token)
        guard
            let row = try connection.first(
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
            "UPDATE api_keys SET revoked_at = CAST(CURRENT_TIMESTAMP AS TEXT) WHERE id = ? AND revoked_at IS NULL", [id]
        )
    }

    func key(id: Int64) throws -> APIKey? {
        try connection.first(
            "SELECT id, name, role, scope, prefix, created_at, revoked_at FROM api_keys WHERE id = ?", [id]
        ).map { row in
            APIKey(
                id: try row.int64(0), name: try row.string(1),
                role: APIKey.Role(rawValue: try row.string(2)) ?? .channel,
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
