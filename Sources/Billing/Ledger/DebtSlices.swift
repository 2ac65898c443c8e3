public import Core

/// The debt of one principal's service on one premises, split by the period it falls due in,
/// with the payments that paid each part: what penalties, aging and payment allocation work
/// from.
///
/// Every amount that is not a payment or a penalty adds to the slice of its origin period. A
/// payment pays the period it names first (when it was allocated as `debt` for a period), then
/// the oldest slices; what is left is an advance. A slice whose net is negative (an advance
/// carried in, a recalculation down) is a credit on its first day, applied the same way.
/// Payments of penalties pay the penalties, and what exceeds them goes to the debt.
public struct DebtSlices: Sendable, Hashable {
    public struct Slice: Sendable, Hashable {
        public var origin: BillingPeriod
        /// What fell due for the period (positive).
        public var debt: Money
        /// The parts of payments that paid it, by day.
        public var payments: [PenaltyCalculator.Payment]
        public var outstanding: Money
    }

    /// Slices with a positive debt, oldest first.
    public var slices: [Slice]
    /// Money paid beyond every slice.
    public var advance: Money
    /// Penalties posted and not yet paid.
    public var penaltiesOutstanding: Money

    /// Splits `entries` (any order); payments made after `through` are left out. With `owners`
    /// (a premises that changed owner), a payment made from a change on pays the periods from
    /// that change's period first (its payer's own), then older debt.
    public init(_ entries: [JournalEntry], through: CalendarDate? = nil, owners: OwnerHistory? = nil) {
        var debits: [BillingPeriod: (amount: Int64, day: CalendarDate)] = [:]
        var credits: [(day: CalendarDate, amount: Int64, target: BillingPeriod?)] = []
        var penalties: Int64 = 0
        var penaltyCredits: [(day: CalendarDate, amount: Int64)] = []
        for entry in entries {
            if let through, entry.kind == .payment, entry.day > through { continue }
            switch entry.kind {
            case .penalty:
                penalties += entry.amount.kopecks
            case .payment where entry.note == "refund":
                // Money paid back from an advance: owed again, on its day, and paid at once by what
                // made the advance.
                let origin = entry.period
                let earlier = debits[origin]
                debits[origin] = (
                    (earlier?.amount ?? 0) + entry.amount.kopecks, min(earlier?.day ?? entry.day, entry.day)
                )
            case .payment:
                if entry.note == "penalty" {
                    penaltyCredits.append((entry.day, -entry.amount.kopecks))
                } else {
                    credits.append((entry.day, -entry.amount.kopecks, entry.note == "debt" ? entry.forPeriod : nil))
                }
            default:
                let origin = entry.origin
                let earlier = debits[origin]
                let day = min(earlier?.day ?? entry.day, entry.day)
                debits[origin] = ((earlier?.amount ?? 0) + entry.amount.kopecks, day)
            }
        }
        var slices: [Slice] = []
        for (origin, debit) in debits.sorted(by: { $0.key < $1.key }) {
            if debit.amount > 0 {
                slices.append(
                    Slice(
                        origin: origin, debt: Money(kopecks: debit.amount), payments: [],
                        outstanding: Money(kopecks: debit.amount)))
            } else if debit.amount < 0 {
                credits.append((debit.day, -debit.amount, nil))
            }
        }
        // A reversed payment takes back each of its parts on the day it was paid, so that a
        // payment and its reversal cancel as if it had never been paid.
        credits = Self.netted(credits)
        penaltyCredits = Self.netted(penaltyCredits.map { ($0.day, $0.amount, nil) }).map { ($0.day, $0.amount) }
        // Penalty payments beyond the penalties go to the debt on their day.
        var penaltyLeft = penalties
        for credit in penaltyCredits.sorted(by: { $0.day < $1.day }) {
            let taken = max(0, min(credit.amount, penaltyLeft))
            penaltyLeft -= taken
            if credit.amount > taken { credits.append((credit.day, credit.amount - taken, nil)) }
        }
        var advance: Int64 = 0
        for credit in credits.sorted(by: { ($0.day, $0.target?.index ?? -1) < ($1.day, $1.target?.index ?? -1) }) {
            var left = credit.amount
            func pay(_ index: Int) {
                let part = min(left, slices[index].outstanding.kopecks)
                guard part > 0 else { return }
                slices[index].outstanding -= Money(kopecks: part)
                slices[index].payments.append(PenaltyCalculator.Payment(day: credit.day, amount: Money(kopecks: part)))
                left -= part
            }
            if let target = credit.target, let index = slices.firstIndex(where: { $0.origin == target }) {
                pay(index)
            }
            if let own = owners?.ownPeriodsStart(on: credit.day) {
                for index in slices.indices where left > 0 && slices[index].origin >= own { pay(index) }
            }
            for index in slices.indices where left > 0 { pay(index) }
            advance += left
        }
        self.slices = slices
        self.advance = Money(kopecks: advance)
        self.penaltiesOutstanding = Money(kopecks: penaltyLeft)
    }

    /// Credits of the same day and target summed, those that come to nothing or less left out.
    static func netted(
        _ credits: [(day: CalendarDate, amount: Int64, target: BillingPeriod?)]
    ) -> [(day: CalendarDate, amount: Int64, target: BillingPeriod?)] {
        guard credits.contains(where: { $0.amount <= 0 }) else { return credits }
        var sums: [String: (day: CalendarDate, amount: Int64, target: BillingPeriod?)] = [:]
        var order: [String] = []
        for credit in credits {
            let key = "\(credit.day)|\(credit.target.map { "\($0)" } ?? "")"
            if sums[key] == nil { order.append(key) }
            sums[key, default: (credit.day, 0, credit.target)].amount += credit.amount
        }
        return order.compactMap { sums[$0] }.filter { $0.amount > 0 }
    }

    /// The unpaid debt of `entries` by days past due on `asOf`, the oldest period with debt
    /// left, and the unpaid penalties. The common case (debts of one period only, nothing paid,
    /// no penalty) is summed without building slices.
    static func aging(
        of entries: [JournalEntry], asOf: CalendarDate, calendar: LegalCalendar, dueDay: Int? = nil,
        owners: OwnerHistory? = nil
    ) -> Aging {
        summary(of: entries, asOf: asOf, calendar: calendar, dueDay: dueDay, owners: owners).aging
    }

    /// `dueDay`: the service's own due day (else the calendar's).
    static func summary(
        of entries: [JournalEntry], asOf: CalendarDate, calendar: LegalCalendar, dueDay: Int? = nil,
        owners: OwnerHistory? = nil
    ) -> (
        aging: Aging, oldest: BillingPeriod?, penalties: Money
    ) {
        var aging = Aging()
        if let origin = entries.first?.origin,
            entries.allSatisfy({ $0.kind != .payment && $0.kind != .penalty && $0.origin == origin })
        {
            let sum = entries.reduce(Money.zero) { $0 + $1.amount }
            guard sum.kopecks > 0 else { return (aging, nil, .zero) }
            aging.add(sum, daysOverdue: calendar.dueDate(for: origin, day: dueDay).days(until: asOf))
            return (aging, origin, .zero)
        }
        let slices = DebtSlices(entries, through: asOf, owners: owners)
        return (
            slices.aging(asOf: asOf, calendar: calendar, dueDay: dueDay),
            slices.slices.first(where: { $0.outstanding.kopecks > 0 })?.origin,
            slices.penaltiesOutstanding
        )
    }

    /// What is owed: unpaid slices less the advance, plus unpaid penalties.
    public var balance: Money {
        slices.reduce(Money.zero) { $0 + $1.outstanding } - advance + penaltiesOutstanding
    }

    /// The penalty accrued up to `asOf` on the slices that fell due before `period`, each part
    /// of a slice until the day it was paid (`PenaltyCalculator`), rounded once per slice.
    public func accruedPenalty(before period: BillingPeriod, asOf: CalendarDate, calculator: PenaltyCalculator) -> Money
    {
        slices.filter { $0.origin < period }.reduce(Money.zero) { sum, slice in
            sum
                + calculator.penalty(
                    debt: slice.debt, dueDate: calculator.dueDate(for: slice.origin),
                    payments: slice.payments.filter { $0.day <= asOf },
                    asOf: asOf)
        }
    }

    /// The unpaid debt by days past its due date on `asOf`.
    public func aging(asOf: CalendarDate, calendar: LegalCalendar, dueDay: Int? = nil) -> Aging {
        var aging = Aging()
        for slice in slices where slice.outstanding.kopecks > 0 {
            aging.add(
                slice.outstanding, daysOverdue: calendar.dueDate(for: slice.origin, day: dueDay).days(until: asOf))
        }
        return aging
    }
}

/// Unpaid debt by days past due: not yet due, 0-30, 31-90, 91-180 and over 180 days.
public struct Aging: Sendable, Hashable, Codable {
    public var notDue = Money.zero
    public var upTo30 = Money.zero
    public var upTo90 = Money.zero
    public var upTo180 = Money.zero
    public var over180 = Money.zero

    public init() {}

    public mutating func add(_ amount: Money, daysOverdue: Int) {
        switch daysOverdue {
        case ..<1: notDue += amount
        case 1...30: upTo30 += amount
        case 31...90: upTo90 += amount
        case 91...180: upTo180 += amount
        default: over180 += amount
        }
    }

    public static func += (lhs: inout Aging, rhs: Aging) {
        lhs.notDue += rhs.notDue
        lhs.upTo30 += rhs.upTo30
        lhs.upTo90 += rhs.upTo90
        lhs.upTo180 += rhs.upTo180
        lhs.over180 += rhs.over180
    }

    public var total: Money { notDue + upTo30 + upTo90 + upTo180 + over180 }
}
