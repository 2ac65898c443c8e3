/// One posting of the journal, as it is written: money that moved on a premises (its personal
/// account) for a principal's service in a period, of one kind, from one source. The journal is
/// append-only; a correction is another posting.
public struct Posting: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        case opening, charge, recalculation, privilege, penalty, payment
    }

    /// Where a posting came from, so every figure traces back to it and a replay stores nothing
    /// twice.
    public enum Source: Sendable, Hashable {
        /// A principal's file (its import) and the line of the row (nil for a row a correcting
        /// file left out).
        case file(importId: Int64, line: Int64?)
        /// A billing run.
        case run(Int64)
        /// A payment's allocation.
        case payment(Int64)
        /// Written by hand (tests, benchmarks' synthetic regions).
        case unsourced
    }

    /// The personal account (ЛС) of the premises.
    public var account: String
    public var principalId: Int64
    public var serviceCode: String
    /// The period whose turnover it is in.
    public var period: BillingPeriod
    public var kind: Kind
    /// Positive raises the debt, negative lowers it.
    public var amount: Money
    /// The volume charged, thousandths of the unit (nil where no volume is meant).
    public var volumeMilli: Int64?
    /// The price per unit a charge was made at.
    public var tariff: Money?
    /// The day it counts from: a charge's due date, a payment's day, a period's first day.
    public var countsFrom: CalendarDate
    /// For an opening balance the period its debt dates from; for a recalculation the period it
    /// corrects; for a payment the period it paid.
    public var forPeriod: BillingPeriod?
    /// A payment's part (`debt`, `penalty`, `advance`), a calculated charge's method, a
    /// recalculation's reason.
    public var note: String?
    public var source: Source

    public init(
        account: String, principalId: Int64, serviceCode: String, period: BillingPeriod, kind: Kind, amount: Money,
        volumeMilli: Int64? = nil, tariff: Money? = nil, countsFrom: CalendarDate, forPeriod: BillingPeriod? = nil,
        note: String? = nil, source: Source
    ) {
        self.account = account
        self.principalId = principalId
        self.serviceCode = serviceCode
        self.period = period
        self.kind = kind
        self.amount = amount
        self.volumeMilli = volumeMilli
        self.tariff = tariff
        self.countsFrom = countsFrom
        self.forPeriod = forPeriod
        self.note = note
        self.source = source
    }
}
