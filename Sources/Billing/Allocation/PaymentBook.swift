public import Core
public import Storage

/// A payment as it arrives from a bank registry, an infomat's terminal or a cash desk.
public struct IncomingPayment: Sendable, Hashable {
    /// Who took the money: a bank's code, or `infomat`.
    public var source: String
    /// The source's own id of the operation; with `source` it makes a retry harmless.
    public var operationId: String
    public var account: PersonalAccountNumber
    public var amount: Money
    /// The day the payer paid.
    public var paidOn: CalendarDate
    public var designation: PaymentAllocator.Designation
    /// The bank registry it came in (`bank_registries`), for reconciling the registry.
    public var registryId: Int64?

    public init(
        source: String, operationId: String, account: PersonalAccountNumber, amount: Money, paidOn: CalendarDate,
        designation: PaymentAllocator.Designation = .init(), registryId: Int64? = nil
    ) {
        self.registryId = registryId
        self.source = source
        self.operationId = operationId
        self.account = account
        self.amount = amount
        self.paidOn = paidOn
        self.designation = designation
    }
}

/// A payment in the journal, with how it was split.
public struct RecordedPayment: Sendable, Hashable {
    public var id: Int64
    /// The period whose turnover it is in: the month paid in, or the first open one after it.
    public var period: BillingPeriod
    public var allocations: [PaymentAllocator.Allocation]
    /// True when the same source and operation were recorded before: nothing was added.
    public var wasRecordedBefore: Bool
}

/// Records payments and splits each between the principals and services of its premises
/// (`PaymentAllocator`, DOMAIN.md section 7.1), as postings of kind `payment` in one
/// transaction with the payment: the debt of the period the payer named first, else the
/// oldest debt, pro rata within a period; penalties last; the rest an advance spread like the
/// latest charges. A payment with the same source and operation id as one recorded before adds
/// nothing and answers as the first time.
public struct PaymentBook {
    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    public func record(_ payment: IncomingPayment) throws -> RecordedPayment {
        guard payment.amount.kopecks > 0 else {
            throw BillingError(code: .invalidPayment, message: "a payment must be more than zero")
        }
        return try connection.withTransaction {
            if let held = try recorded(source: payment.source, operationId: payment.operationId) {
                guard
                    try connection.scalar(
                        "SELECT COUNT(*) FROM payments WHERE id = ? AND account_number = ? AND amount = ?",
                        [held.id, payment.account, payment.amount]) > 0
                else {
                    throw BillingError(
                        code: .invalidPayment,
                        message:
                            "operation \(payment.operationId) of \(payment.source) was recorded before with another "
                            + "account or amount")
                }
                return held
            }
            guard try connection.scalar("SELECT COUNT(*) FROM accounts WHERE number = ?", [payment.account]) > 0 else {
                throw BillingError(
                    code: .invalidPayment, message: "no premises has personal account \(payment.account.value)")
            }
            guard var period = BillingPeriod(year: payment.paidOn.year, month: payment.paidOn.month) else {
                throw BillingError(
                    code: .invalidPayment,
                    message:
                        "the payment is dated \(payment.paidOn), outside the periods erc keeps (2000 to 2999): check the day it was paid"
                )
            }
            let lock = PeriodLock(connection: connection)
            while try lock.isClosed(period) { period = period.next }
            let (slices, weights, ids) = try outstanding(account: payment.account, through: period)
            if slices.isEmpty, weights.isEmpty, payment.designation.principalINN == nil {
                throw try nothingToPay(payment, period: period)
            }
            let allocations = PaymentAllocator().allocate(
                payment.amount, slices: slices, designation: payment.designation, advanceTo: period,
                advanceWeights: weights)
            let designated = payment.designation
            guard
                let id = try connection.first(
                    """
                    INSERT INTO payments (bank, operation_id, account_number, amount, paid_on, period, principal_inn,
                                          service_code, posted_period, registry_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                    """,
                    [
                        payment.source, payment.operationId, payment.account, payment.amount, payment.paidOn,
                        designated.period, designated.principalINN, designated.serviceCode, period, payment.registryId,
                    ])?.int64(0)
            else { throw BillingError(code: .invalidPayment, message: "the payment was not stored") }
            var postings: [Posting] = []
            for allocation in allocations {
                guard let principalId = ids[allocation.principalINN] else {
                    throw BillingError(
                        code: .invalidPayment,
                        message:
                            "nothing to allocate the payment to: principal \(allocation.principalINN) does not serve \(payment.account.value)"
                    )
                }
                postings.append(
                    Posting(
                        account: payment.account.value, principalId: principalId, serviceCode: allocation.serviceCode,
                        period: period, kind: .payment, amount: -allocation.amount, countsFrom: payment.paidOn,
                        forPeriod: allocation.kind == .advance ? nil : allocation.period,
                        note: allocation.kind.rawValue,
                        source: .payment(id)))
            }
            try PostingWriter(connection: connection).append(postings)
            return RecordedPayment(id: id, period: period, allocations: allocations, wasRecordedBefore: false)
        }
    }

    /// Why a payment finds nothing to pay: dated before the account's first charges, or an
    /// account nothing was charged to yet.
    func nothingToPay(_ payment: IncomingPayment, period: BillingPeriod) throws -> BillingError {
        let account = payment.account.value
        if let row = try connection.first(
            "SELECT MIN(period) FROM postings WHERE account_number = ? AND kind IN ('charge', 'opening')",
            [payment.account]),
            !row.isNull(0)
        {
            let first = try row.period(0)
            return BillingError(
                code: .invalidPayment,
                message:
                    "the payment is dated \(payment.paidOn), before anything was charged to account \(account) (its "
                    + "first charges are for \(first)): check the day it was paid")
        }
        return BillingError(
            code: .invalidPayment,
            message: "nothing has been charged to account \(account) yet, so the payment cannot be split between its "
                + "principals: record it once the account is billed")
    }

    /// A payment recorded before, with its allocations as posted.
    public func recorded(source: String, operationId: String) throws -> RecordedPayment? {
        guard
            let row = try connection.first(
                "SELECT id, posted_period FROM payments WHERE bank = ? AND operation_id = ?", [source, operationId])
        else { return nil }
        let id = try row.int64(0)
        let allocations = try connection.all(
            """
            SELECT pr.inn, p.service_code, COALESCE(p.for_period, p.period), -p.amount, p.note
            FROM postings p JOIN principals pr ON pr.id = p.principal_id
            WHERE p.payment_id = ? ORDER BY p.id
            """, [id]
        ).map { row in
            PaymentAllocator.Allocation(
                principalINN: try row.string(0), serviceCode: try row.string(1), period: try row.period(2),
                amount: try row.money(3), kind: PaymentAllocator.Allocation.Kind(rawValue: try row.string(4)) ?? .debt)
        }
        return RecordedPayment(id: id, period: try row.period(1), allocations: allocations, wasRecordedBefore: true)
    }

    /// What the premises owes through `period`, by principal, service and period, with the
    /// unpaid penalties; the latest charges as the weights of an advance; principal ids by INN.
    func outstanding(
        account: PersonalAccountNumber, through period: BillingPeriod
    ) throws -> (
        [PaymentAllocator.Slice], [PaymentAllocator.Slice], [String: Int64]
    ) {
        var entries: [ServiceKey: [JournalEntry]] = [:]
        var inns: [Int64: String] = [:]
        try connection.query(
            """
            SELECT p.principal_id, pr.inn, p.service_code, \(JournalEntry.columns)
            FROM postings p JOIN principals pr ON pr.id = p.principal_id
            WHERE p.account_number = ? AND p.period <= ?
            """, [account, period]
        ) { row in
            guard let entry = try JournalEntry(row, from: 3) else { return }
            let key = ServiceKey(principalId: try row.int64(0), service: try row.string(2))
            inns[key.principalId] = try row.string(1)
            entries[key, default: []].append(entry)
        }
        var slices: [PaymentAllocator.Slice] = []
        var weights: [PaymentAllocator.Slice] = []
        let latest = entries.values.flatMap { $0 }.filter { $0.kind == .charge }.map(\.period).max()
        for (key, list) in entries.sorted(by: { $0.key < $1.key }) {
            // Every key's principal was read with its entries.
            guard let inn = inns[key.principalId] else { continue }
            let debt = DebtSlices(list)
            for slice in debt.slices where slice.outstanding.kopecks > 0 {
                slices.append(
                    .init(principalINN: inn, serviceCode: key.service, period: slice.origin, due: slice.outstanding))
            }
            if debt.penaltiesOutstanding.kopecks > 0 {
                slices.append(
                    .init(
                        principalINN: inn, serviceCode: key.service, period: period, due: debt.penaltiesOutstanding,
                        isPenalty: true))
            }
            let charged = list.filter { $0.kind == .charge && $0.period == latest }.reduce(Money.zero) {
                $0 + $1.amount
            }
            if charged.kopecks > 0 {
                weights.append(.init(principalINN: inn, serviceCode: key.service, period: period, due: charged))
            }
        }
        return (slices, weights, Dictionary(inns.map { ($1, $0) }, uniquingKeysWith: { first, _ in first }))
    }
}
