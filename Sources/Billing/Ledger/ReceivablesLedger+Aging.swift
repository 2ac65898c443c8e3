public import Core
import Storage

extension ReceivablesLedger {
    /// The unpaid debt at the end of `period` per principal INN, by days past its due date on
    /// `asOf` (not due, 0-30, 31-90, 91-180, over 180), from one pass over the journal: each
    /// premises' service is split into the periods it fell due in, payments applied as the
    /// payer designated them, else oldest first (`DebtSlices`).
    public func aging(period: BillingPeriod, asOf: CalendarDate) throws -> [String: Aging] {
        let inns = try principalINNs()
        let calendar = try legalCalendar()
        let dueDays = try paymentDueDays()
        var result: [String: Aging] = [:]
        try forEachRange(
            through: period, { AgingFolder(inns: inns, calendar: calendar, dueDays: dueDays, asOf: asOf) }
        ) { part in
            for (inn, aging) in part { result[inn, default: Aging()] += aging }
        }
        return result
    }
}

/// The aging of one range of premises, per principal INN.
struct AgingFolder: PremisesFolder {
    let inns: [Int64: String]
    let calendar: LegalCalendar
    let dueDays: [ServiceKey: Int]
    let asOf: CalendarDate
    var result: [String: Aging] = [:]

    mutating func add(
        account: String, owner: String, address: String, owners: OwnerHistory?, groups: [ServiceKey: [JournalEntry]]
    ) {
        for (key, entries) in groups {
            result[inns[key.principalId] ?? "?", default: Aging()] += DebtSlices.aging(
                of: entries, asOf: asOf, calendar: calendar, dueDay: dueDays[key], owners: owners)
        }
    }
}
