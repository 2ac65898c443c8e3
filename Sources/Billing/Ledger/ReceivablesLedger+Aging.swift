public import Core
import Storage

extension ReceivablesLedger {
    /// The unpaid debt at the end of `period` per principal INN, by days past its due date on
    /// `asOf` (not due, 0-30, 31-90, 91-180, over 180), from one pass over the journal: each
    /// premises' service is split into the periods it fell due in, payments applied as the
    /// payer designated them, else oldest first (`DebtSlices`).
    public func aging(period: BillingPeriod, asOf: CalendarDate) throws -> [String: Aging] {
        var inns: [Int64: String] = [:]
        try connection.query("SELECT id, inn FROM principals") { inns[try $0.int64(0)] = try $0.string(1) }
        var result: [String: Aging] = [:]
        var account: String?
        // One premises at a time, in the order of the journal's account index (no sort of the
        // whole journal); its postings grouped by principal and service in memory.
        var entries: [ServiceKey: [JournalEntry]] = [:]
        func close() {
            for (key, list) in entries {
                let inn = inns[key.principalId] ?? "?"
                if let single = DebtSlices.singlePeriod(list) {
                    if single.amount.kopecks > 0 {
                        result[inn, default: Aging()].add(single.amount, daysOverdue: single.origin.dueDate.days(until: asOf))
                    }
                    continue
                }
                result[inn, default: Aging()] += DebtSlices(list, through: asOf).aging(asOf: asOf)
            }
            entries.removeAll(keepingCapacity: true)
        }
        try connection.query(
            """
            SELECT account_number, principal_id, service_code, period, kind, amount, counts_from, for_period, note
            FROM postings WHERE period <= ?
            ORDER BY account_number
            """, [period]
        ) { row in
            let number = try row.string(0)
            if number != account {
                close()
                account = number
            }
            guard let kind = JournalEntry.Kind(rawValue: try row.string(4)) else { return }
            entries[ServiceKey(principalId: try row.int64(1), service: try row.string(2)), default: []].append(
                JournalEntry(
                    kind: kind, period: try row.period(3), amount: try row.money(5), day: try row.date(6),
                    forPeriod: try row.optionalString(7).flatMap(BillingPeriod.init), note: try row.optionalString(8)))
        }
        close()
        return result
    }
}
