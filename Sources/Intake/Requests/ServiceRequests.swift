public import Core
public import Storage

/// A request a customer makes without an operator, routed to the principal that owns the
/// service it concerns, with its number, status and every change of status.
public struct ServiceRequest: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// Seal a meter (after installation or repair).
        case meterSealing = "meter-sealing"
        /// Replace a broken or expired meter.
        case meterReplacement = "meter-replacement"
        /// Verify a meter (поверка).
        case meterVerification = "meter-verification"
        /// A new contract after a change of owner of the premises.
        case ownerChange = "owner-change"

        /// Meter requests name a meter; the principal and service are the meter's.
        public var concernsMeter: Bool { self != .ownerChange }
    }

    public enum Status: String, Sendable, Hashable, CaseIterable, Codable {
        case new
        case sent = "sent-to-principal"
        case done
        case refused

        /// The statuses a request may move to from this one.
        public var next: [Status] {
            switch self {
            case .new: [.sent, .refused]
            case .sent: [.done, .refused]
            case .done, .refused: []
            }
        }
    }

    public struct Change: Sendable, Hashable {
        public var status: Status
        public var comment: String?
        public var changedAt: String
        /// The key's name (or `erc` for the command line) that made the change.
        public var changedBy: String
    }

    public var number: String
    public var kind: Kind
    public var account: PersonalAccountNumber
    public var principalINN: String
    public var principalName: String
    public var serviceCode: String
    public var meter: String?
    public var details: String?
    public var contact: String?
    public var channel: MeterReading.Channel
    public var status: Status
    public var createdAt: String
    public var updatedAt: String
    public var history: [Change]
}

/// What a customer asks for, as a channel sends it.
public struct NewServiceRequest: Sendable, Hashable {
    public var kind: ServiceRequest.Kind
    public var account: PersonalAccountNumber
    /// The meter, for meter requests.
    public var meter: String?
    /// The service, for a change of owner (the principal is the account's supplier of it).
    public var serviceCode: String?
    public var details: String?
    /// How to reach the customer (a phone number or e-mail), as the customer gave it.
    public var contact: String?
    public var channel: MeterReading.Channel
    public var receivedAt: String
    public var idempotencyKey: String?
    /// Who sent it (an API key's name), kept in the history.
    public var sender: String

    public init(
        kind: ServiceRequest.Kind, account: PersonalAccountNumber, meter: String? = nil, serviceCode: String? = nil,
        details: String? = nil, contact: String? = nil, channel: MeterReading.Channel, receivedAt: String,
        idempotencyKey: String? = nil, sender: String
    ) {
        self.kind = kind
        self.account = account
        self.meter = meter
        self.serviceCode = serviceCode
        self.details = details
        self.contact = contact
        self.channel = channel
        self.receivedAt = receivedAt
        self.idempotencyKey = idempotencyKey
        self.sender = sender
    }
}

/// A request refused or a change not allowed, with a stable code.
public struct ServiceRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public static let accountNotFound = Code("account-not-found")
        public static let meterRequired = Code("meter-required")
        public static let meterNotFound = Code("meter-not-found")
        public static let serviceRequired = Code("service-required")
        public static let serviceNotFound = Code("service-not-found")
        public static let requestNotFound = Code("request-not-found")
        public static let invalidTransition = Code("invalid-transition")
        /// The idempotency key opened another request before.
        public static let keyReused = Code("idempotency-key-reused")
        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String
    public var description: String { "\(code): \(message)" }
}

/// Self-service requests: opened from any channel, each with a number (SR-<year>-<n>), routed to
/// the principal of the meter or of the named service on the account, moved by the principal
/// (or an operator) through sent to the principal, done or refused. A retry with the same
/// idempotency key opens nothing new and answers with the request opened the first time.
public struct ServiceRequestDesk {
    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    /// Opens a request; `principal` limits routing to one principal's services (its own key).
    /// Returns the request and whether it was opened before by the same key.
    public func open(
        _ request: NewServiceRequest, principal only: Int64? = nil
    ) throws -> (
        request: ServiceRequest, replayed: Bool
    ) {
        try connection.withTransaction {
            if let key = request.idempotencyKey,
                let held = try connection.first(
                    """
                    SELECT number, kind, account_number, meter_serial, service_code, details, contact, channel
                    FROM service_requests WHERE idempotency_key = ?
                    """, [key])
            {
                // A retry asks for the same request; the same key on another one is refused.
                let same =
                    try held.string(1) == request.kind.rawValue && held.string(2) == request.account.value
                    && held.optionalString(3) == request.meter
                    && (request.kind.concernsMeter || held.string(4) == request.serviceCode)
                    && held.optionalString(5) == request.details && held.optionalString(6) == request.contact
                    && held.string(7) == request.channel.rawValue
                guard same else {
                    throw ServiceRequestError(
                        code: .keyReused,
                        message:
                            "this idempotency key opened request \(try held.string(0)) for something else: use a new key for a new request"
                    )
                }
                return (try stored(try held.string(0)), true)
            }
            guard try connection.scalar("SELECT COUNT(*) FROM accounts WHERE number = ?", [request.account]) > 0 else {
                throw ServiceRequestError(
                    code: .accountNotFound, message: "no premises has account \(request.account.value)")
            }
            let (principal, service) = try route(request, principal: only)
            let id = try connection.one(
                """
                INSERT INTO service_requests (number, kind, account_number, principal_id, service_code, meter_serial,
                    details, contact, channel, status, idempotency_key, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [
                    "pending:\(request.account.value):\(request.receivedAt):\(request.idempotencyKey ?? "")",
                    request.kind.rawValue, request.account, principal, service, request.meter, request.details,
                    request.contact, request.channel.rawValue, ServiceRequest.Status.new.rawValue,
                    request.idempotencyKey,
                    request.receivedAt, request.receivedAt,
                ]
            ).int64(0)
            let number =
                "SR-\(request.receivedAt.prefix(4))-" + String(repeating: "0", count: max(0, 6 - String(id).count))
                + String(id)
            try connection.execute("UPDATE service_requests SET number = ? WHERE id = ?", [number, id])
            try connection.execute(
                "INSERT INTO service_request_history (request_id, status, comment, changed_at, changed_by) VALUES (?, ?, ?, ?, ?)",
                [id, ServiceRequest.Status.new.rawValue, nil as String?, request.receivedAt, request.sender])
            return (try stored(number), false)
        }
    }

    /// The principal and service a request goes to.
    private func route(_ request: NewServiceRequest, principal only: Int64?) throws -> (Int64, String) {
        if request.kind.concernsMeter {
            guard let meter = request.meter, !meter.isEmpty else {
                throw ServiceRequestError(
                    code: .meterRequired, message: "a \(request.kind.rawValue) request names its meter")
            }
            guard
                let row = try connection.first(
                    """
                    SELECT principal_id, service_code FROM meters
                    WHERE account_number = ? AND serial = ? AND (CAST(? AS BIGINT) IS NULL OR principal_id = ?)
                    """, [request.account, meter, only, only])
            else {
                throw ServiceRequestError(
                    code: .meterNotFound, message: "no meter \(meter) is registered on account \(request.account.value)"
                )
            }
            return (try row.int64(0), try row.string(1))
        }
        guard let service = request.serviceCode, !service.isEmpty else {
            throw ServiceRequestError(
                code: .serviceRequired, message: "an owner-change request names the service (its code)")
        }
        let rows = try connection.all(
            """
            SELECT pa.principal_id FROM principal_accounts pa
            JOIN services s ON s.principal_id = pa.principal_id AND s.code = ?
            WHERE pa.account_number = ? AND (CAST(? AS BIGINT) IS NULL OR pa.principal_id = ?)
            ORDER BY pa.principal_id
            """, [service, request.account, only, only])
        guard let first = rows.first else {
            throw ServiceRequestError(
                code: .serviceNotFound,
                message: "no principal supplies service \(service) to account \(request.account.value)")
        }
        return (try first.int64(0), service)
    }

    /// A request this desk has just stored or read: not finding it is a storage fault.
    private func stored(_ number: String) throws -> ServiceRequest {
        guard let request = try find(number: number) else {
            throw ServiceRequestError(code: .requestNotFound, message: "request \(number) was not stored")
        }
        return request
    }

    public func find(number: String) throws -> ServiceRequest? {
        guard
            let row = try connection.first(
                """
                SELECT r.id, r.number, r.kind, r.account_number, p.inn, p.name, r.service_code, r.meter_serial, r.details,
                       r.contact, r.channel, r.status, r.created_at, r.updated_at, r.principal_id
                FROM service_requests r JOIN principals p ON p.id = r.principal_id WHERE r.number = ?
                """, [number])
        else { return nil }
        let history = try connection.all(
            """
            SELECT status, comment, changed_at, changed_by FROM service_request_history
            WHERE request_id = ? ORDER BY id
            """, [try row.int64(0)]
        ).map {
            ServiceRequest.Change(
                status: ServiceRequest.Status(rawValue: try $0.string(0)) ?? .new, comment: try $0.optionalString(1),
                changedAt: try $0.string(2), changedBy: try $0.string(3))
        }
        return ServiceRequest(
            number: try row.string(1), kind: ServiceRequest.Kind(rawValue: try row.string(2)) ?? .ownerChange,
            account: try PersonalAccountNumber(try row.string(3)), principalINN: try row.string(4),
            principalName: try row.string(5), serviceCode: try row.string(6), meter: try row.optionalString(7),
            details: try row.optionalString(8), contact: try row.optionalString(9),
            channel: MeterReading.Channel(rawValue: try row.string(10)) ?? .web,
            status: ServiceRequest.Status(rawValue: try row.string(11)) ?? .new, createdAt: try row.string(12),
            updatedAt: try row.string(13), history: history)
    }

    /// Requests routed to a principal (or all), optionally in one status, oldest first.
    public func list(principal: Int64?, status: ServiceRequest.Status?, limit: Int = 500) throws -> [ServiceRequest] {
        try connection.all(
            """
            SELECT number FROM service_requests
            WHERE (CAST(? AS BIGINT) IS NULL OR principal_id = ?) AND (CAST(? AS TEXT) IS NULL OR status = ?)
            ORDER BY id LIMIT ?
            """, [principal, principal, status?.rawValue, status?.rawValue, limit]
        ).compactMap { try find(number: try $0.string(0)) }
    }

    /// Moves a request to `status`; only the moves in ``ServiceRequest/Status/next`` are allowed.
    /// Setting the status it already has (a retry) changes nothing.
    public func update(
        number: String, to status: ServiceRequest.Status, comment: String?, at stamp: String, by sender: String,
        principal only: Int64? = nil
    ) throws -> ServiceRequest {
        try connection.withTransaction {
            guard
                let row = try connection.first(
                    "SELECT id, status, principal_id FROM service_requests WHERE number = ?", [number]),
                try only == nil || row.int64(2) == only
            else {
                throw ServiceRequestError(code: .requestNotFound, message: "no request \(number)")
            }
            let current = ServiceRequest.Status(rawValue: try row.string(1)) ?? .new
            if current == status { return try stored(number) }
            guard current.next.contains(status) else {
                let allowed = current.next.map(\.rawValue).joined(separator: ", ")
                throw ServiceRequestError(
                    code: .invalidTransition,
                    message:
                        "request \(number) is \(current.rawValue): it can become \(allowed.isEmpty ? "nothing else" : allowed)"
                )
            }
            try connection.execute(
                "UPDATE service_requests SET status = ?, updated_at = ? WHERE id = ?",
                [status.rawValue, stamp, try row.int64(0)])
            try connection.execute(
                "INSERT INTO service_request_history (request_id, status, comment, changed_at, changed_by) VALUES (?, ?, ?, ?, ?)",
                [try row.int64(0), status.rawValue, comment, stamp, sender])
            return try stored(number)
        }
    }

    /// The open owner-change requests (new or sent to the principal) of `account`, done: the
    /// change of owner they asked for was made (`comment` says which). Returns their numbers.
    @discardableResult
    public func completeOwnerChange(
        account: String, comment: String, at stamp: String, by sender: String
    ) throws -> [String] {
        let open = try connection.all(
            """
            SELECT id, number FROM service_requests
            WHERE account_number = ? AND kind = ? AND status IN (?, ?) ORDER BY id
            """,
            [
                account, ServiceRequest.Kind.ownerChange.rawValue, ServiceRequest.Status.new.rawValue,
                ServiceRequest.Status.sent.rawValue,
            ])
        var numbers: [String] = []
        for row in open {
            let id = try row.int64(0)
            try connection.execute(
                "UPDATE service_requests SET status = ?, updated_at = ? WHERE id = ?",
                [ServiceRequest.Status.done.rawValue, stamp, id])
            try connection.execute(
                "INSERT INTO service_request_history (request_id, status, comment, changed_at, changed_by) VALUES (?, ?, ?, ?, ?)",
                [id, ServiceRequest.Status.done.rawValue, comment, stamp, sender])
            numbers.append(try row.string(1))
        }
        return numbers
    }
}
