import Core
public import Storage

/// An idempotency key used before for a different request.
public struct IdempotencyConflict: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the key was first used for (a route), to say so.
    public var firstUse: String
    public var description: String {
        "this Idempotency-Key was used before for another request (\(firstUse)): a retry sends the same request "
            + "again, a new request needs a new key"
    }
}

/// The idempotency keys of every write a channel sends (readings, requests, payments, status
/// changes): each key is kept with what its request asked (a fingerprint of its meaning, not
/// its bytes), so a retry of the same request goes on to its replayed answer while the same key
/// on another request is refused, the same way on every route. One owner of
/// `idempotency_keys`; a caller claims the key in the transaction of the write it guards.
public struct IdempotencyKeys {
    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    /// The fingerprint of a request: its route and its fields as the channel sent them, in order.
    public static func fingerprint(route: String, fields: [(String, String?)]) -> String {
        var text = route
        for (name, value) in fields {
            text += "\u{1F}\(name)=" + (value.map { "\u{2}" + $0 } ?? "\u{0}")
        }
        return SHA256.hex(Array(text.utf8))
    }

    /// Records `key` for a request whose meaning is `fingerprint`, first used on `route` at
    /// `now`; a key recorded before must have the same fingerprint. Returns false when the key
    /// was recorded before (a retry). Call it inside the write's transaction, so the key and the
    /// write are kept or lost together.
    @discardableResult
    public func claim(_ key: String, route: String, fingerprint: String, now: String) throws -> Bool {
        let inserted =
            try connection.first(
                """
                INSERT INTO idempotency_keys (key, route, fingerprint, first_used_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (key) DO NOTHING RETURNING key
                """, [key, route, fingerprint, now]) != nil
        if inserted { return true }
        guard let held = try connection.first("SELECT route, fingerprint FROM idempotency_keys WHERE key = ?", [key])
        else {
            return true
        }
        if try held.string(1) != fingerprint {
            throw IdempotencyConflict(firstUse: try held.string(0))
        }
        return false
    }
}
