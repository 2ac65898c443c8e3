public import Core
import Storage

extension ReceivablesLedger {
    /// The unpaid debt at the end of `period` per principal INN, by days past its due date on
    /// `asOf` (not due, 0-30, 31-90, 91-180, over 180), from one pass over the journal: each
    /// premises' service is split into the periods it fell due in, payments applied as the
    /// payer designated them, else oldest first (`DebtSlices`).
    public func aging(period: BillingPeriod, asOf: CalendarDate) throws -> [String: Aging] {
        var result: [String: Aging] = [:]
        var current: (account: String, principal: String, service: String)?
        var entries: [JournalEntry] = []
        func close() {
            guard let key = current else { return }
            result[key.principal, default: Aging()] += DebtSlices(entries, through: asOf).aging(asOf: asOf)
            entries.removeAll(keepingCapacity: true)
        }
        try connection.query(
            """
            SELECT p.account_number, pr.inn, p.service_code, p.period, p.kind, p.amount, p.counts_from, p.for_period, p.note
            FROM postings p JOIN principals pr ON pr.id = p.principal_id
            WHERE p.period <= ?
            ORDER BY p.account_number, pr.inn, p.service_code
            """, [period]
        ) { row in
            let key = (try row.string(0), try row.string(1), try row.string(2))
            if current.map({ $0 != key }) ?? true {
                close()
                current = key
            }
            guard let kind = JournalEntry.Kind(rawValue: try row.string(4)) else { return }
            entries.append(
                JournalEntry(
                    kind: kind, period: try row.period(3), amount: try row.money(5), day: try row.date(6),
                    forPeriod: try row.optionalString(7).flatMap(BillingPeriod.init), note: try row.optionalString(8)))
        }
        close()
        return result
    }
}
