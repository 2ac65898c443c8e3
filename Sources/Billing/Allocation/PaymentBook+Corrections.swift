public import Core
import Principals
import Storage

/// A refund of an advance (an overpayment of one principal's service) to the payer's account.
public struct RefundRequest: Sendable, Hashable {
    public var account: PersonalAccountNumber
    public var principalINN: String
    public var serviceCode: String
    public var amount: Money
    public var payee: String
    public var payeeINN: String?
    public var payeeAccount: BankAccount
    public var payeeBIC: BIC
    public var reason: String
    /// The day the refund is made (the payment order's date).
    public var on: CalendarDate
    /// The request's own id: the same id again changes nothing.
    public var requestId: String

    public init(
        account: PersonalAccountNumber, principalINN: String, serviceCode: String, amount: Money, payee: String,
        payeeINN: String?, payeeAccount: BankAccount, payeeBIC: BIC, reason: String, on: CalendarDate,
        requestId: String
    ) {
        self.account = account
        self.principalINN = principalINN
        self.serviceCode = serviceCode
        self.amount = amount
        self.payee = payee
        self.payeeINN = payeeINN
        self.payeeAccount = payeeAccount
        self.payeeBIC = payeeBIC
        self.reason = reason
        self.on = on
        self.requestId = requestId
    }
}

/// The payment order a refund is paid by: from the center's account to the payer's.
public struct RefundOrder: Sendable, Hashable {
    public var number: Int
    public var date: CalendarDate
    public var amount: Money
    public var payer: Center
    public var payee: String
    public var payeeINN: String?
    public var payeeAccount: String
    public var payeeBIC: String
    public var purpose: String
}

/// A correction recorded (or found recorded before: then nothing changed).
public struct PaymentCorrection: Sendable, Hashable {
    public var id: Int64
    /// The period whose turnover it is in.
    public var period: BillingPeriod
    public var amount: Money
    public var wasRecordedBefore: Bool
    /// For a refund: its payment order.
    public var order: RefundOrder?
}

extension PaymentBook {
    /// Reverses a payment (a bank's recall, a payment to a wrong account): a payment row of kind
    /// `reversal` with the opposite of each of its postings, dated as the payment was (as if it
    /// had never been paid, for penalties), in the first open period from the one it was posted
    /// in. The payment stays in the journal; one assigned from suspense goes back to the
    /// suspense list. Reversing it again changes nothing. (A reversal's row is under the source
    /// `reversal` and the payment's id, so no bank's operation id can collide with it.)
    public func reverse(source: String, operationId: String, reason: String) throws -> PaymentCorrection {
        try connection.withTransaction {
            // The operation's payment, or the latest one a suspense entry was assigned as again.
            let candidates = try connection.all(
                """
                SELECT y.id, y.account_number, y.amount, y.paid_on, y.period, y.posted_period,
                       (SELECT z.id FROM payments z WHERE z.kind = 'reversal' AND z.corrects = y.id)
                FROM payments y
                WHERE y.kind = 'payment' AND ((y.bank = ? AND y.operation_id = ?)
                      OR (y.bank = 'reassigned' AND y.operation_id LIKE ?))
                ORDER BY y.id DESC
                """, [source, operationId, "\(source) \(operationId) #%"])
            guard let original = candidates.first(where: { $0.isNull(6) }) ?? candidates.first else {
                let waiting = try connection.scalar(
                    "SELECT COUNT(*) FROM payment_suspense WHERE bank = ? AND operation_id = ? AND assigned_payment IS NULL",
                    [source, operationId])
                throw BillingError(
                    code: .invalidPayment,
                    message: waiting > 0
                        ? "operation \(operationId) of \(source) is in suspense, not a payment: nothing to reverse"
                        : "no payment of \(source) with operation \(operationId)")
            }
            let id = try original.int64(0)
            if let held = try connection.first(
                "SELECT id, posted_period, amount FROM payments WHERE kind = 'reversal' AND corrects = ?", [id])
            {
                return PaymentCorrection(
                    id: try held.int64(0), period: try held.period(1), amount: -(try held.money(2)),
                    wasRecordedBefore: true, order: nil)
            }
            var period = try original.period(5)
            let lock = PeriodLock(connection: connection)
            while try lock.isClosed(period) { period = period.next }
            let amount = try original.money(2)
            let reversal = try connection.one(
                """
                INSERT INTO payments (bank, operation_id, account_number, amount, paid_on, period, posted_period, kind,
                                      corrects, reason)
                VALUES ('reversal', ?, ?, ?, ?, ?, ?, 'reversal', ?, ?) RETURNING id
                """,
                [
                    String(id), try original.string(1), -amount, try original.date(3), try original.optionalString(4),
                    period, id, "\(source) \(operationId): \(reason)",
                ]
            ).int64(0)
            // A payment assigned from suspense goes back there, to be assigned to the right account.
            try connection.execute(
                "UPDATE payment_suspense SET assigned_payment = NULL, assigned_reason = NULL WHERE assigned_payment = ?",
                [id])
            var postings: [Posting] = []
            try connection.query(
                """
                SELECT account_number, principal_id, service_code, amount, counts_from, for_period, note FROM postings
                WHERE payment_id = ? ORDER BY id
                """, [id]
            ) { row in
                postings.append(
                    Posting(
                        account: try row.string(0), principalId: try row.int64(1), serviceCode: try row.string(2),
                        period: period, kind: .payment, amount: -(try row.money(3)), countsFrom: try row.date(4),
                        forPeriod: try row.optionalString(5).flatMap(BillingPeriod.init),
                        note: try row.optionalString(6),
                        source: .payment(reversal)))
            }
            try PostingWriter(connection: connection).append(postings)
            return PaymentCorrection(id: reversal, period: period, amount: amount, wasRecordedBefore: false, order: nil)
        }
    }

    /// Refunds part or all of an advance of one principal's service (money paid beyond every
    /// debt, less unpaid penalties): a payment row of kind `refund` and a posting that takes the
    /// amount back from the advance, in the first open period from the refund's day, with the
    /// payment order that pays it from the center's account. The same request id again changes
    /// nothing; another refund under it is refused.
    public func refund(_ request: RefundRequest) throws -> PaymentCorrection {
        guard request.amount.kopecks > 0 else {
            throw BillingError(code: .invalidPayment, message: "a refund must be more than zero")
        }
        // The texts go into a bank's file of `Key=Value` lines.
        for text in [request.payee, request.reason, request.payeeINN ?? ""]
        where text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw BillingError(code: .invalidPayment, message: "a refund's payee and reason have no control characters")
        }
        return try connection.withTransaction {
            if let held = try connection.first(
                """
                SELECT y.id, y.posted_period, y.account_number, y.amount, y.principal_inn, y.service_code FROM payments y
                WHERE y.bank = 'refund' AND y.operation_id = ?
                """, [request.requestId])
            {
                guard try held.string(2) == request.account.value, try held.money(3) == -request.amount,
                    try held.optionalString(4) == request.principalINN,
                    try held.optionalString(5) == request.serviceCode
                else {
                    throw BillingError(
                        code: .invalidPayment,
                        message:
                            "refund \(request.requestId) was recorded before for another account, service or amount")
                }
                let id = try held.int64(0)
                return PaymentCorrection(
                    id: id, period: try held.period(1), amount: request.amount, wasRecordedBefore: true,
                    order: try order(of: id))
            }
            guard
                let principal = try connection.first(
                    """
                    SELECT pr.id FROM principals pr JOIN principal_accounts pa ON pa.principal_id = pr.id
                    WHERE pr.inn = ? AND pa.account_number = ?
                    """, [request.principalINN, request.account])
            else {
                throw BillingError(
                    code: .invalidPayment,
                    message: "principal \(request.principalINN) does not serve account \(request.account.value)")
            }
            let principalId = try principal.int64(0)
            guard let period = BillingPeriod(year: request.on.year, month: request.on.month) else {
                throw BillingError(code: .invalidPayment, message: "the refund's day \(request.on) is out of range")
            }
            // The order is dated the day the refund is posted: a day of an open period.
            if try PeriodLock(connection: connection).isClosed(period) {
                throw BillingError(
                    code: .invalidPayment,
                    message:
                        "the refund's day \(request.on) is in the closed period \(period): give a day of an open period"
                )
            }
            // Every posting of the service, whatever its period (a refund of a later day included).
            var entries: [JournalEntry] = []
            try connection.query(
                """
                SELECT \(JournalEntry.columns) FROM postings p
                WHERE p.account_number = ? AND p.principal_id = ? AND p.service_code = ?
                """, [request.account, principalId, request.serviceCode]
            ) { row in
                if let entry = try JournalEntry(row, from: 0) { entries.append(entry) }
            }
            let slices = DebtSlices(entries)
            let refundable = max(.zero, slices.advance - slices.penaltiesOutstanding)
            guard request.amount <= refundable else {
                throw BillingError(
                    code: .invalidPayment,
                    message:
                        "the advance of \(request.principalINN)'s \(request.serviceCode) on account "
                        + "\(request.account.value) is \(refundable.formatted()) руб.; \(request.amount.formatted()) "
                        + "руб. cannot be refunded")
            }
            let center = try CenterBook(connection: connection).required(on: request.on)
            let id = try connection.one(
                """
                INSERT INTO payments (bank, operation_id, account_number, amount, paid_on, posted_period, principal_inn,
                                      service_code, kind, reason)
                VALUES ('refund', ?, ?, ?, ?, ?, ?, ?, 'refund', ?) RETURNING id
                """,
                [
                    request.requestId, request.account, -request.amount, request.on, period, request.principalINN,
                    request.serviceCode, request.reason,
                ]
            ).int64(0)
            try PostingWriter(connection: connection).append([
                Posting(
                    account: request.account.value, principalId: principalId, serviceCode: request.serviceCode,
                    period: period, kind: .payment, amount: request.amount, countsFrom: request.on, note: "refund",
                    source: .payment(id))
            ])
            let number = Int(try connection.scalar("SELECT MAX(number) FROM refund_orders")) + 1
            let purpose =
                "Возврат переплаты по ЛС \(request.account.value) (\(request.serviceCode)): "
                + "\(request.reason.trimmingSuffix(".")). Без НДС"
            try connection.execute(
                """
                INSERT INTO refund_orders (payment_id, number, order_date, payee, payee_inn, payee_account, payee_bic, purpose)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    id, number, request.on, request.payee, request.payeeINN, request.payeeAccount.value,
                    request.payeeBIC.value, purpose,
                ])
            return PaymentCorrection(
                id: id, period: period, amount: request.amount, wasRecordedBefore: false,
                order: RefundOrder(
                    number: number, date: request.on, amount: request.amount, payer: center, payee: request.payee,
                    payeeINN: request.payeeINN, payeeAccount: request.payeeAccount.value,
                    payeeBIC: request.payeeBIC.value, purpose: purpose))
        }
    }

    /// The payment order of a refund recorded before.
    func order(of payment: Int64) throws -> RefundOrder? {
        guard
            let row = try connection.first(
                """
                SELECT o.number, o.order_date, -y.amount, o.payee, o.payee_inn, o.payee_account, o.payee_bic, o.purpose
                FROM refund_orders o JOIN payments y ON y.id = o.payment_id WHERE o.payment_id = ?
                """, [payment])
        else { return nil }
        let date = try row.date(1)
        return RefundOrder(
            number: try row.int(0), date: date, amount: try row.money(2),
            payer: try CenterBook(connection: connection).required(on: date), payee: try row.string(3),
            payeeINN: try row.optionalString(4), payeeAccount: try row.string(5), payeeBIC: try row.string(6),
            purpose: try row.string(7))
    }
}
