/// Who did something: an operating-system user at the command line, or an API key (with the
/// operator working through it, where there is one).
public struct AuditActor: Sendable, Hashable, Codable {
    /// The user name, or the key's name.
    public var name: String
    /// `cli` or `api`.
    public var via: String
    public var keyId: Int64?
    public var operatorName: String?

    public init(name: String, via: String, keyId: Int64? = nil, operatorName: String? = nil) {
        self.name = name
        self.via = via
        self.keyId = keyId
        self.operatorName = operatorName
    }

    /// As the log shows it: `cli:ivanova`, `api:infomat-17#4`, `api:operators#2/petrova`.
    public var description: String {
        "\(via):\(name)" + (keyId.map { "#\($0)" } ?? "") + (operatorName.map { "/\($0)" } ?? "")
    }
}

/// One change of money or master data: who, when, by which command or route, what (the entity
/// and its id, before and after where that is small) and the file or request it came from.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// The instant, UTC, ISO 8601 (`2026-11-30T08:15:00Z`).
    public var at: String
    public var actor: AuditActor
    /// The command (`erc payments reverse`) or route (`POST /v1/readings`).
    public var action: String
    /// What changed: `payment`, `principal`, `import`, `billing-run`, `period`, ...
    public var entity: String
    public var entityId: String?
    public var account: String?
    public var principal: String?
    public var before: String?
    public var after: String?
    /// The file (id and SHA-256), registry, request or idempotency key it came from.
    public var source: String?

    public init(
        at: String, actor: AuditActor, action: String, entity: String, entityId: String? = nil,
        account: String? = nil, principal: String? = nil, before: String? = nil, after: String? = nil,
        source: String? = nil
    ) {
        self.at = at
        self.actor = actor
        self.action = action
        self.entity = entity
        self.entityId = entityId
        self.account = account
        self.principal = principal
        self.before = before
        self.after = after
        self.source = source
    }
}

/// The audit trail: the one owner of `audit_log`, append-only (the database refuses an update or
/// a delete of it; nothing here does either).
public struct AuditTrail {
    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    public func record(_ entry: AuditEntry) throws {
        try connection.execute(
            """
            INSERT INTO audit_log (at, actor, via, key_id, operator, action, entity, entity_id, account_number,
                                   principal_inn, before_value, after_value, source)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                entry.at, entry.actor.name, entry.actor.via, entry.actor.keyId, entry.actor.operatorName,
                entry.action, entry.entity, entry.entityId, entry.account, entry.principal, entry.before,
                entry.after, entry.source,
            ])
    }

    /// What to list: instants in [`from`, `to`) (UTC ISO), and optionally one account, principal
    /// or actor (its name, or `cli:name` / `api:name` as shown).
    public struct Filter: Sendable {
        public var from: String
        public var to: String
        public var account: String?
        public var principal: String?
        public var actor: String?

        public init(from: String, to: String, account: String? = nil, principal: String? = nil, actor: String? = nil) {
            self.from = from
            self.to = to
            self.account = account
            self.principal = principal
            self.actor = actor
        }
    }

    /// The entries of `filter`, oldest first.
    public func entries(_ filter: Filter) throws -> [AuditEntry] {
        try connection.all(
            """
            SELECT at, actor, via, key_id, operator, action, entity, entity_id, account_number, principal_inn,
                   before_value, after_value, source
            FROM audit_log
            WHERE at >= ? AND at < ? AND (CAST(? AS TEXT) IS NULL OR account_number = ?)
              AND (CAST(? AS TEXT) IS NULL OR principal_inn = ?)
              AND (CAST(? AS TEXT) IS NULL OR actor = ? OR via || ':' || actor = ?)
            ORDER BY at, id
            """,
            [
                filter.from, filter.to, filter.account, filter.account, filter.principal, filter.principal,
                filter.actor, filter.actor, filter.actor,
            ]
        ).map { row in
            AuditEntry(
                at: try row.string(0),
                actor: AuditActor(
                    name: try row.string(1), via: try row.string(2), keyId: try row.optionalInt64(3),
                    operatorName: try row.optionalString(4)),
                action: try row.string(5), entity: try row.string(6), entityId: try row.optionalString(7),
                account: try row.optionalString(8), principal: try row.optionalString(9),
                before: try row.optionalString(10), after: try row.optionalString(11),
                source: try row.optionalString(12))
        }
    }
}
