public import Core
public import Storage

/// One principal as a list shows it.
public struct PrincipalSummary: Sendable, Hashable, Codable {
    public var inn: String
    public var name: String
    public var kind: String
    public var status: String
    public var statusSince: String?
    public var services: Int
    public var accounts: Int
    /// The fee of the agreement in force, as text; nil without one.
    public var fee: String?
    public var payee: String?
}

/// Everything the registry knows of one principal.
public struct PrincipalDetails: Sendable, Hashable, Codable {
    public struct StatusChange: Sendable, Hashable, Codable {
        public var status: String
        public var effectiveOn: String
        public var reason: String?
    }

    public var principal: Principal
    public var status: String
    public var agreements: [AgencyAgreement]
    public var services: [Service]
    public var tariffs: [Tariff]
    public var history: [StatusChange]
    public var houses: Int
    public var accounts: Int
    public var meters: Int
}

/// The principals' registry: add by hand, list, show, and move through the lifecycle.
public struct PrincipalRegistry {
    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    /// Registers a principal by hand: a draft without an agreement, active from the agreement's
    /// effective date with one. Requisites were checked when `principal` was built.
    @discardableResult
    public func add(_ principal: Principal, agreement: AgencyAgreement?, services: [Service]) throws -> Int64 {
        try connection.withTransaction {
            if try connection.scalar("SELECT COUNT(*) FROM principals WHERE inn = ?", [principal.inn.value]) > 0 {
                throw RegistryError(code: .exists, message: "a principal with INN \(principal.inn) is registered")
            }
            let bank = principal.bankDetails
            let id = try connection.one(
                """
                INSERT INTO principals (inn, kpp, ogrn, name, kind, bank_name, bic, corr_account, account, address,
                                        phone, email, contact_person, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft') RETURNING id
                """,
                [
                    principal.inn.value, principal.kpp.value, principal.ogrn.value, principal.name,
                    principal.kind.rawValue, bank.bankName, bank.bic.value, bank.correspondentAccount.value,
                    bank.account.value, principal.address, principal.phone, principal.email, principal.contactPerson,
                ]
            ).int64(0)
            for service in services {
                try connection.execute(
                    "INSERT INTO services (principal_id, code, name, unit) VALUES (?, ?, ?, ?)",
                    [id, service.code, service.name, service.unit])
            }
            if let agreement {
                try store(agreement, principalId: id)
                try PrincipalLifecycle(connection: connection).record(
                    principalId: id, status: .active, on: agreement.effectiveFrom,
                    reason: "agreement \(agreement.number)")
            }
            return id
        }
    }

    func store(_ agreement: AgencyAgreement, principalId: Int64) throws {
        var basisPoints: Int?
        var perPayment: Money?
        switch agreement.fee {
        case .basisPoints(let points): basisPoints = points
        case .perPayment(let sum): perPayment = sum
        }
        try connection.execute(
            """
            INSERT INTO agreements (principal_id, effective_from, number, signed_on, fee_basis_points, fee_per_payment,
                                    payout_schedule, payee)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                principalId, agreement.effectiveFrom, agreement.number, agreement.signedOn, basisPoints, perPayment,
                agreement.payoutSchedule.rawValue, agreement.payee.rawValue,
            ])
    }

    public func id(of inn: String) throws -> Int64 {
        guard let row = try connection.first("SELECT id FROM principals WHERE inn = ?", [inn]) else {
            throw RegistryError(code: .notFound, message: "no principal with INN \(inn)")
        }
        return try row.int64(0)
    }

    /// Moves a principal to `status` from `day` on.
    public func change(inn: String, to status: PrincipalStatus, on day: CalendarDate, reason: String?) throws {
        try PrincipalLifecycle(connection: connection).record(
            principalId: id(of: inn), status: status, on: day, reason: reason)
    }

    /// Every principal, by name.
    public func list(asOf day: CalendarDate) throws -> [PrincipalSummary] {
        var result: [PrincipalSummary] = []
        try connection.query(
            """
            SELECT p.inn, p.name, p.kind, p.status, p.status_since,
                   (SELECT COUNT(*) FROM services s WHERE s.principal_id = p.id),
                   (SELECT COUNT(*) FROM principal_accounts pa WHERE pa.principal_id = p.id),
                   a.fee_basis_points, a.fee_per_payment, a.payee
            FROM principals p
            LEFT JOIN agreements a ON a.principal_id = p.id AND a.effective_from = (
                SELECT MAX(effective_from) FROM agreements x WHERE x.principal_id = p.id AND x.effective_from <= ?)
            ORDER BY p.name, p.inn
            """,
            [day]
        ) { row in
            let fee = try Self.fee(basisPoints: row.optionalInt64(7), perPayment: row.optionalInt64(8))
            result.append(
                PrincipalSummary(
                    inn: try row.string(0), name: try row.string(1), kind: try row.string(2), status: try row.string(3),
                    statusSince: try row.optionalString(4), services: try row.int(5), accounts: try row.int(6),
                    fee: fee?.description, payee: try row.optionalString(9)))
        }
        return result
    }

    static func fee(basisPoints: Int64?, perPayment: Int64?) -> AgencyAgreement.Fee? {
        if let basisPoints { return .basisPoints(Int(basisPoints)) }
        if let perPayment { return .perPayment(Money(kopecks: perPayment)) }
        return nil
    }

    /// The agreement in force on `day`, if any.
    public func agreement(principalId: Int64, on day: CalendarDate) throws -> AgencyAgreement? {
        try agreements(principalId: principalId).last { $0.effectiveFrom <= day }
    }

    func agreements(principalId: Int64) throws -> [AgencyAgreement] {
        try connection.all(
            """
            SELECT number, signed_on, effective_from, fee_basis_points, fee_per_payment, payout_schedule, payee
            FROM agreements WHERE principal_id = ? ORDER BY effective_from
            """, [principalId]
        ).map { row in
            AgencyAgreement(
                number: try row.string(0), signedOn: try row.date(1), effectiveFrom: try row.date(2),
                fee: Self.fee(basisPoints: try row.optionalInt64(3), perPayment: try row.optionalInt64(4))
                    ?? .basisPoints(0),
                payoutSchedule: AgencyAgreement.PayoutSchedule(rawValue: try row.string(5)) ?? .monthly,
                payee: AgencyAgreement.Payee(rawValue: try row.string(6)) ?? .center)
        }
    }

    /// One principal in full.
    public func show(inn: String) throws -> PrincipalDetails {
        let id = try id(of: inn)
        let row = try connection.one(
            """
            SELECT inn, kpp, ogrn, name, kind, bank_name, bic, corr_account, account, address, phone, email,
                   contact_person, status, grace_days
            FROM principals WHERE id = ?
            """, [id])
        let bic = try BIC(try row.string(6))
        let principal = Principal(
            inn: try INN(try row.string(0)), kpp: try KPP(try row.string(1)), ogrn: try OGRN(try row.string(2)),
            name: try row.string(3), kind: Principal.Kind(rawValue: try row.string(4)) ?? .management,
            bankDetails: BankDetails(
                bankName: try row.string(5), bic: bic,
                correspondentAccount: try BankAccount(correspondent: try row.string(7), bic: bic),
                account: try BankAccount(try row.string(8), bic: bic)),
            address: try row.string(9), phone: try row.string(10), email: try row.optionalString(11),
            contactPerson: try row.optionalString(12), graceDays: try row.optionalInt64(14).map { Int($0) })
        let services = try connection.all(
            """
            SELECT code, name, unit, calculation, norm_milli, readings_due_day, resource, payment_due_day FROM services
            WHERE principal_id = ? ORDER BY code
            """, [id]
        ).map { row in
            let dueDay = Int(try row.int64(5))
            return Service(
                code: try row.string(0), name: try row.string(1), unit: try row.string(2),
                calculation: Service.Calculation(rawValue: try row.string(3)) ?? .supplied,
                normMilli: try row.optionalInt64(4), readingsDueDay: dueDay == 25 ? nil : dueDay,
                resource: try row.optionalString(6).flatMap(Service.Resource.init(rawValue:)),
                paymentDueDay: try row.optionalInt64(7).map { Int($0) })
        }
        let tariffs = try connection.all(
            """
            SELECT service_code, effective_from, price, component_price, component_factor_micro FROM tariffs
            WHERE principal_id = ? ORDER BY service_code, effective_from
            """, [id]
        ).map { try Tariff($0) }
        let history = try connection.all(
            "SELECT status, effective_on, reason FROM principal_status_history WHERE principal_id = ? ORDER BY id", [id]
        ).map {
            PrincipalDetails.StatusChange(
                status: try $0.string(0), effectiveOn: try $0.string(1), reason: try $0.optionalString(2))
        }
        return PrincipalDetails(
            principal: principal, status: try row.string(13), agreements: try agreements(principalId: id),
            services: services, tariffs: tariffs, history: history,
            houses: Int(
                try connection.scalar(
                    """
                    SELECT COUNT(DISTINCT a.house_code) FROM principal_accounts pa
                    JOIN accounts a ON a.number = pa.account_number WHERE pa.principal_id = ?
                    """, [id])),
            accounts: Int(
                try connection.scalar("SELECT COUNT(*) FROM principal_accounts WHERE principal_id = ?", [id])),
            meters: Int(try connection.scalar("SELECT COUNT(*) FROM meters WHERE principal_id = ?", [id])))
    }
}

extension Tariff {
    /// A tariff from a row of `service_code, effective_from, price, component_price,
    /// component_factor_micro`.
    init(_ row: SQLRow) throws {
        var component: Tariff.Component?
        if let price = try row.optionalInt64(3), let factor = try row.optionalInt64(4) {
            component = Tariff.Component(price: Money(kopecks: price), factorMicro: factor)
        }
        self.init(
            serviceCode: try row.string(0), effectiveFrom: try row.date(1), price: try row.money(2),
            component: component)
    }
}
