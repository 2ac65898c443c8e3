public import Core
import Storage

/// One premises' unpaid debt to one principal at the end of a period, for collection work.
public struct DebtorLine: Sendable, Hashable, Codable {
    public var account: String
    public var owner: String
    public var address: String
    public var principal: String
    /// Unpaid debt (without penalties), by days past due on the as-of day.
    public var debt: Money
    public var aging: Aging
    /// Penalties posted and not paid.
    public var penalties: Money
    /// The oldest period with debt left.
    public var oldestPeriod: BillingPeriod
}

extension ReceivablesLedger {
    /// Debtors at the end of `period`, per premises and principal, from one ordered pass over
    /// the journal (`DebtSlices` per service: payments pay the period they were allocated to,
    /// else the oldest); those owing at least `minimumDebt`.
    public func debtors(
        period: BillingPeriod, asOf: CalendarDate, principal: String? = nil, minimumDebt: Money = Money(kopecks: 1),
        _ body: (DebtorLine) throws -> Void
    ) throws {
        var current: (account: String, principal: String, service: String)?
        var entries: [JournalEntry] = []
        var line: DebtorLine?
        func closeService() {
            guard current != nil, line != nil else { return }
            if let single = DebtSlices.singlePeriod(entries) {
                if single.amount.kopecks > 0 {
                    line!.debt += single.amount
                    line!.aging.add(single.amount, daysOverdue: single.origin.dueDate.days(until: asOf))
                    if single.origin < line!.oldestPeriod { line!.oldestPeriod = single.origin }
                }
                entries.removeAll(keepingCapacity: true)
                return
            }
            let slices = DebtSlices(entries, through: asOf)
            line!.debt += slices.slices.reduce(Money.zero) { $0 + $1.outstanding }
            line!.aging += slices.aging(asOf: asOf)
            line!.penalties += slices.penaltiesOutstanding
            if let oldest = slices.slices.first(where: { $0.outstanding.kopecks > 0 })?.origin, oldest < line!.oldestPeriod {
                line!.oldestPeriod = oldest
            }
            entries.removeAll(keepingCapacity: true)
        }
        func closeLine() throws {
            if let done = line, done.debt >= minimumDebt { try body(done) }
            line = nil
        }
        try connection.query(
            """
            SELECT p.account_number, pr.inn, p.service_code, p.period, p.kind, p.amount, p.counts_from, p.for_period, p.note,
                   a.owner_name, h.postal_code, h.city, h.street, h.number, a.apartment
            FROM postings p JOIN principals pr ON pr.id = p.principal_id
            JOIN accounts a ON a.number = p.account_number JOIN houses h ON h.code = a.house_code
            WHERE p.period <= ? \(principal == nil ? "" : "AND pr.inn = ?")
            ORDER BY p.account_number, pr.inn, p.service_code
            """, [period] + (principal.map { [$0] } ?? [])
        ) { row in
            let key = (try row.string(0), try row.string(1), try row.string(2))
            if current.map({ $0 != key }) ?? true {
                closeService()
                if current.map({ $0.account != key.0 || $0.principal != key.1 }) ?? true {
                    try closeLine()
                    line = DebtorLine(
                        account: key.0, owner: try row.string(9),
                        address: "\(try row.string(10)), г. \(try row.string(11)), \(try row.string(12)), д. \(try row.string(13)), кв. \(try row.string(14))",
                        principal: key.1, debt: .zero, aging: Aging(), penalties: .zero, oldestPeriod: period.next)
                }
                current = key
            }
            guard let kind = JournalEntry.Kind(rawValue: try row.string(4)) else { return }
            entries.append(
                JournalEntry(
                    kind: kind, period: try row.period(3), amount: try row.money(5), day: try row.date(6),
                    forPeriod: try row.optionalString(7).flatMap(BillingPeriod.init), note: try row.optionalString(8)))
        }
        closeService()
        try closeLine()
    }
}
