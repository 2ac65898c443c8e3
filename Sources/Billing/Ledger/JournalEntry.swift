public import Core
import Storage

/// One posting of the journal, as billing reads it for one premises, principal and service.
public struct JournalEntry: Sendable, Hashable {
    /// The kinds of posting (Core's ``Posting/Kind``).
    public typealias Kind = Posting.Kind

    public var kind: Kind
    /// The period the posting belongs to (its turnover).
    public var period: BillingPeriod
    /// Positive raises the debt, negative lowers it (payments, privileges, advances).
    public var amount: Money
    public var volumeMilli: Int64
    /// The price per unit a charge was made at.
    public var tariff: Money?
    /// The day it counts from: for a payment, the day the payer paid.
    public var day: CalendarDate
    /// For an opening balance the period the debt dates from; for a payment the period it paid.
    public var forPeriod: BillingPeriod?
    /// For a payment: `debt`, `penalty` or `advance`; for a calculated charge its method.
    public var note: String?
    /// The billing run that posted it; nil for imported postings and payments.
    public var runId: Int64?

    public init(
        kind: Kind, period: BillingPeriod, amount: Money, volumeMilli: Int64 = 0, tariff: Money? = nil,
        day: CalendarDate,
        forPeriod: BillingPeriod? = nil, note: String? = nil, runId: Int64? = nil
    ) {
        self.kind = kind
        self.period = period
        self.amount = amount
        self.volumeMilli = volumeMilli
        self.tariff = tariff
        self.day = day
        self.forPeriod = forPeriod
        self.note = note
        self.runId = runId
    }

    /// The period whose due date this amount falls due on: a carried-in balance dates from the
    /// period it names (by default the one before), anything else from its own period.
    public var origin: BillingPeriod { kind == .opening ? forPeriod ?? period.previous : period }
}

extension JournalEntry {
    /// The columns of `postings` (aliased `p`) an entry is read from, in order.
    static let columns =
        "p.period, p.kind, p.amount, COALESCE(p.volume_milli, 0), p.tariff, p.counts_from, p.for_period, p.note, p.run_id"

    /// An entry from the `columns` of a row, starting at `column`; nil for a kind billing does
    /// not know.
    init?(_ row: SQLRow, from column: Int) throws {
        guard let kind = Kind(rawValue: try row.string(column + 1)) else { return nil }
        self.init(
            kind: kind, period: try row.period(column), amount: try row.money(column + 2),
            volumeMilli: try row.int64(column + 3),
            tariff: try row.optionalInt64(column + 4).map { Money(kopecks: $0) },
            day: try row.date(column + 5), forPeriod: try row.optionalString(column + 6).flatMap(BillingPeriod.init),
            note: try row.optionalString(column + 7), runId: try row.optionalInt64(column + 8))
    }
}
