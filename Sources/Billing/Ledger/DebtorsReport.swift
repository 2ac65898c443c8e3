public import Core
import Storage

/// One premises' unpaid debt to one principal at the end of a period, for collection work: one
/// line an owner (a premises that changed owner has a line for each owner who owes).
public struct DebtorLine: Sendable, Hashable, Codable {
    public var account: String
    public var owner: String
    /// A former owner's last day (nil: the owner now).
    public var ownedUntil: CalendarDate?
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
    /// Debtors at the end of `period`, per premises, principal and owner, from one ordered pass
    /// over the journal (`DebtSlices` per service: payments pay the period they were allocated
    /// to, else the oldest); those owing at least `minimumDebt`.
    public func debtors(
        period: BillingPeriod, asOf: CalendarDate, principal: String? = nil, minimumDebt: Money = Money(kopecks: 1),
        _ body: (DebtorLine) throws -> Void
    ) throws {
        let inns = try principalINNs()
        let calendar = try legalCalendar()
        let passing = try debtPassesToNewOwner()
        let dueDays = try paymentDueDays()
        try forEachRange(
            through: period, principal: principal, withAddress: true,
            {
                DebtorsFolder(
                    inns: inns, calendar: calendar, dueDays: dueDays, passesToNewOwner: passing, period: period,
                    asOf: asOf, minimumDebt: minimumDebt)
            }
        ) { lines in
            for line in lines { try body(line) }
        }
    }
}

/// One owner's part of the unpaid debt of one service.
struct OwnerShare {
    var aging = Aging()
    var penalties = Money.zero
    var oldest: BillingPeriod?
}

extension OwnerShare {
    /// The unpaid debt of `entries` (one premises' service) by owner, one share a span of
    /// `owners`: a period's debt split by the days each owned the premises in it (largest
    /// remainder), unpaid penalties in proportion to the overdue debt (what penalties accrue on;
    /// else the debt); all of it the owner's on `asOf` when the debt passes to a new owner
    /// (capital repair).
    static func split(
        _ entries: [JournalEntry], owners: OwnerHistory, passesToNewOwner: Bool, asOf: CalendarDate,
        calendar: LegalCalendar, dueDay: Int? = nil
    ) -> [OwnerShare] {
        let slices = DebtSlices(entries, through: asOf, owners: owners)
        var shares = [OwnerShare](repeating: OwnerShare(), count: owners.changes.count + 1)
        let now = owners.span(on: asOf)
        for slice in slices.slices where slice.outstanding.kopecks > 0 {
            let days = calendar.dueDate(for: slice.origin, day: dueDay).days(until: asOf)
            let weights = passesToNewOwner ? nil : owners.days(in: slice.origin)
            let parts = weights.map { slice.outstanding.split(proportionalTo: $0) } ?? []
            for index in shares.indices {
                let part = weights == nil ? (index == now ? slice.outstanding : .zero) : parts[index]
                guard part.kopecks > 0 else { continue }
                shares[index].aging.add(part, daysOverdue: days)
                if shares[index].oldest == nil { shares[index].oldest = slice.origin }
            }
        }
        let overdue = shares.map { $0.aging.total.kopecks - $0.aging.notDue.kopecks }
        let debts = overdue.contains(where: { $0 > 0 }) ? overdue : shares.map { $0.aging.total.kopecks }
        if debts.contains(where: { $0 > 0 }) {
            for (index, part) in slices.penaltiesOutstanding.split(proportionalTo: debts).enumerated() {
                shares[index].penalties = part
            }
        } else {
            shares[now].penalties = slices.penaltiesOutstanding
        }
        return shares
    }
}

/// The debtors of one range of premises, in account order, then principal INN, then owner.
struct DebtorsFolder: PremisesFolder {
    let inns: [Int64: String]
    let calendar: LegalCalendar
    let dueDays: [ServiceKey: Int]
    let passesToNewOwner: Set<Int64>
    let period: BillingPeriod
    let asOf: CalendarDate
    let minimumDebt: Money
    var result: [DebtorLine] = []

    mutating func add(
        account: String, owner: String, address: String, owners: OwnerHistory?, groups: [ServiceKey: [JournalEntry]]
    ) {
        let spans = owners?.spans ?? [OwnerHistory.Span(name: owner, from: nil, until: nil)]
        // Keyed by INN, then the owner's span.
        var lines: [String: [DebtorLine?]] = [:]
        for (key, entries) in groups {
            let inn = inns[key.principalId] ?? "?"
            let shares: [OwnerShare]
            if let owners {
                shares = OwnerShare.split(
                    entries, owners: owners, passesToNewOwner: passesToNewOwner.contains(key.principalId),
                    asOf: asOf, calendar: calendar, dueDay: dueDays[key])
            } else {
                let debt = DebtSlices.summary(of: entries, asOf: asOf, calendar: calendar, dueDay: dueDays[key])
                shares = [OwnerShare(aging: debt.aging, penalties: debt.penalties, oldest: debt.oldest)]
            }
            var byOwner = lines[inn] ?? Array(repeating: nil, count: spans.count)
            for (index, share) in shares.enumerated() {
                var line =
                    byOwner[index]
                    ?? DebtorLine(
                        account: account, owner: spans[index].name, ownedUntil: spans[index].until, address: address,
                        principal: inn, debt: .zero, aging: Aging(), penalties: .zero, oldestPeriod: period.next)
                line.debt += share.aging.total
                line.aging += share.aging
                line.penalties += share.penalties
                if let oldest = share.oldest, oldest < line.oldestPeriod { line.oldestPeriod = oldest }
                byOwner[index] = line
            }
            lines[inn] = byOwner
        }
        for (_, byOwner) in lines.sorted(by: { $0.key < $1.key }) {
            for case let line? in byOwner where line.debt >= minimumDebt { result.append(line) }
        }
    }
}
