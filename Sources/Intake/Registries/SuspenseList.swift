public import Billing
public import Core
public import Storage

/// Payments a bank's registry brought for no premises, waiting for an accountant: the one owner
/// of `payment_suspense`. An entry is put here by the registry's import and taken out by
/// ``assign(bank:operation:account:reason:)``, which records it as the payment it should have
/// been; the entry stays, naming that payment.
public struct SuspenseList {
    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    /// One entry.
    public struct Entry: Sendable, Hashable {
        public var bank: String
        public var operation: String
        public var paidOn: CalendarDate
        public var account: String
        public var payer: String
        public var amount: Money
        public var reason: String
        /// The payment it was assigned as, and why; nil while it waits.
        public var assignedPayment: Int64?
        public var assignedReason: String?
    }

    /// Puts a registry's payment in suspense; false when the operation was there already.
    func add(
        bank: String, _ payment: BankRegistry.Payment, registryId: Int64, reason: String
    ) throws -> Bool {
        try connection.first(
            """
            INSERT INTO payment_suspense (bank, operation_id, registry_id, line, account, payer, address, period, amount,
                                          paid_on, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (bank, operation_id) DO NOTHING RETURNING id
            """,
            [
                bank, payment.operationId, registryId, payment.line, payment.account, payment.payer, payment.address,
                payment.period, payment.paid, payment.paidOn, reason,
            ]) != nil
    }

    /// The entries waiting (or every entry, assigned ones too), oldest first.
    public func entries(all: Bool = false) throws -> [Entry] {
        try connection.all(
            """
            SELECT bank, operation_id, paid_on, account, payer, amount, reason, assigned_payment, assigned_reason
            FROM payment_suspense \(all ? "" : "WHERE assigned_payment IS NULL")
            ORDER BY paid_on, bank, operation_id
            """
        ).map {
            Entry(
                bank: try $0.string(0), operation: try $0.string(1), paidOn: try $0.date(2), account: try $0.string(3),
                payer: try $0.string(4), amount: try $0.money(5), reason: try $0.string(6),
                assignedPayment: try $0.optionalInt64(7), assignedReason: try $0.optionalString(8))
        }
    }

    /// Records the payment of a suspense entry for `account`, as if it had arrived for it on its
    /// day (allocated and dated as then, so penalties follow the day it was paid), with the
    /// registry it came in and the period the payer named. The same assignment again changes
    /// nothing; another account for an entry assigned already is refused (reverse the payment
    /// first: the entry comes back, and is assigned again as a payment of its own).
    public func assign(
        bank: String, operation: String, account: PersonalAccountNumber, reason: String
    ) throws -> RecordedPayment {
        try connection.withTransaction {
            guard
                let entry = try connection.first(
                    """
                    SELECT registry_id, amount, paid_on, period, assigned_payment FROM payment_suspense
                    WHERE bank = ? AND operation_id = ?
                    """, [bank, operation])
            else {
                throw BillingError(
                    code: .invalidPayment,
                    message:
                        "operation \(operation) of \(bank) is not in suspense (erc payments suspense --all lists it)")
            }
            if let assigned = try entry.optionalInt64(4) {
                let held = try connection.one(
                    "SELECT account_number, bank, operation_id FROM payments WHERE id = ?", [assigned])
                guard try held.string(0) == account.value,
                    let recorded = try PaymentBook(connection: connection).recorded(
                        source: try held.string(1), operationId: try held.string(2))
                else {
                    throw BillingError(
                        code: .invalidPayment,
                        message:
                            "operation \(operation) of \(bank) was assigned to account \(try held.string(0)) before: "
                            + "reverse that payment first (erc payments reverse)")
                }
                return recorded
            }
            // The period the payer named in the registry.
            let named = try entry.optionalString(3).flatMap(BillingPeriod.init)
            // Assigned again after its payment was reversed: a payment of its own, under the
            // source `reassigned` and the entry's bank, operation and count.
            let before = try connection.scalar(
                """
                SELECT COUNT(*) FROM payments WHERE kind = 'payment'
                  AND ((bank = ? AND operation_id = ?) OR (bank = 'reassigned' AND operation_id LIKE ?))
                """, [bank, operation, "\(bank) \(operation) #%"])
            let recorded = try PaymentBook(connection: connection).record(
                IncomingPayment(
                    source: before == 0 ? bank : "reassigned",
                    operationId: before == 0 ? operation : "\(bank) \(operation) #\(before + 1)", account: account,
                    amount: try entry.money(1), paidOn: try entry.date(2), designation: .init(period: named),
                    registryId: try entry.int64(0)))
            try connection.execute(
                """
                UPDATE payment_suspense SET assigned_payment = ?, assigned_reason = ?
                WHERE bank = ? AND operation_id = ? AND assigned_payment IS NULL
                """, [recorded.id, reason, bank, operation])
            return recorded
        }
    }
}
