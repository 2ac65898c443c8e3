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
        let inns = try principalINNs()
        let calendar = try legalCalendar()
        try forEachRange(
            through: period, principal: principal, withAddress: true,
            {
                DebtorsFolder(
                    inns: inns, calendar: calendar, period: period, asOf: asOf, minimumDebt: minimumDebt)
            }
        ) { lines in
            for line in lines { try body(line) }
        }
    }
}

/// The debtors of one range of premises, in account order, then principal INN.
struct DebtorsFolder: PremisesFolder {
    let inns: [Int64: String]
    let calendar: LegalCalendar
    let period: BillingPeriod
    let asOf: CalendarDate
    let minimumDebt: Money
    var result: [DebtorLine] = []

    mutating func add(account: String, owner: String, address: String, groups: [ServiceKey: [JournalEntry]]) {
        var lines: [String: DebtorLine] = [:]
        for (key, entries) in groups {
            let inn = inns[key.principalId] ?? "?"
            let debt = DebtSlices.summary(of: entries, asOf: asOf, calendar: calendar)
            var line =
                lines[inn]
                ?? DebtorLine(
                    account: account, owner: owner, address: address, principal: inn, debt: .zero, aging: Aging(),
                    penalties: .zero, oldestPeriod: period.next)
            line.debt += debt.aging.total
            line.aging += debt.aging
            line.penalties += debt.penalties
            if let oldest = debt.oldest, oldest < line.oldestPeriod { line.oldestPeriod = oldest }
            lines[inn] = line
        }
        for (_, line) in lines.sorted(by: { $0.key < $1.key }) where line.debt >= minimumDebt {
            result.append(line)
        }
    }
}
