public import Core

/// Penalties (пени) on housing and utility debt, Housing Code art. 155 p. 14 and 14.1.
///
/// A debt slice (one principal, service and period) falls due on its due date; after the days
/// of grace (30: from day 31) the unpaid amount accrues 1/300 of the rate a day, from day 91
/// 1/130 (for ЖКУ; a capital-repair contribution stays at 1/300). Each part of the slice takes
/// the rate of the day it was paid (the calculation day for what is unpaid), as ``PenaltyRules``
/// prices it; moratorium days accrue nothing. The amount is summed exactly and rounded once per
/// slice, half away from zero.
public struct PenaltyCalculator: Sendable {
    public enum Scale: Sendable, Hashable {
        /// 1/300 after the days of grace, 1/130 from day 91.
        case housingAndUtilities
        /// 1/300 after the days of grace, no escalation (art. 155 p. 14.1).
        case capitalRepair
    }

    public var rules: PenaltyRules
    public var scale: Scale
    /// Days after the due date without penalty; nil: as the rules' grace-days rows say.
    public var graceDays: Int?
    /// The service's own due day of the next month; nil: as the rules' calendar says.
    public var dueDay: Int?

    public init(rules: PenaltyRules, scale: Scale = .housingAndUtilities, graceDays: Int? = nil, dueDay: Int? = nil) {
        self.rules = rules
        self.scale = scale
        self.graceDays = graceDays
        self.dueDay = dueDay
    }

    /// The day payment for `period` falls due: the service's own day, else the rules' calendar,
    /// moved off non-working days.
    public func dueDate(for period: BillingPeriod) -> CalendarDate {
        rules.calendar.dueDate(for: period, day: dueDay)
    }

    /// A payment that reduced the slice, credited on the day the payer paid at the bank.
    public struct Payment: Sendable, Hashable {
        public var day: CalendarDate
        public var amount: Money
        public init(day: CalendarDate, amount: Money) {
            self.day = day
            self.amount = amount
        }
    }

    /// The penalty on `debt` due on `dueDate`, paid by `payments` (oldest first), valued on
    /// `asOf` for what is still unpaid.
    public func penalty(debt: Money, dueDate: CalendarDate, payments: [Payment], asOf: CalendarDate) -> Money {
        // The LCM of 300 and 130 is 3900: a day at 1/300 weighs 13, at 1/130 weighs 30.
        let denominator: Int128 = 10_000 * 3_900
        var numerator: Int128 = 0
        var remaining = debt.kopecks
        for payment in payments.sorted(by: { $0.day < $1.day }) where remaining > 0 {
            let part = min(payment.amount.kopecks, remaining)
            remaining -= part
            numerator += weight(amount: part, dueDate: dueDate, until: payment.day, paid: true)
        }
        if remaining > 0 {
            numerator += weight(amount: remaining, dueDate: dueDate, until: asOf, paid: false)
        }
        guard numerator > 0 else { return .zero }
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        return Money(kopecks: Int64(quotient + (remainder * 2 >= denominator ? 1 : 0)))
    }

    /// amount x sum over the days from the end of grace to `until` of rate x day weight.
    private func weight(amount: Int64, dueDate: CalendarDate, until: CalendarDate, paid: Bool) -> Int128 {
        let lastDay = paid && !rules.countsPaymentDay(until) ? until.adding(days: -1) : until
        let lastIndex = dueDate.days(until: lastDay)
        let grace = graceDays ?? rules.graceDays(dueOn: dueDate)
        guard lastIndex > grace else { return 0 }
        var sum: Int128 = 0
        let flat = rules.rate(on: until)
        // Only a payment after a cap's window prices its days differently from one another.
        let uniform = rules.caps.allSatisfy { ($0.through ?? $0.from) >= until || ($0.through ?? $0.from) < dueDate }
        for index in (grace + 1)...lastIndex {
            let day = dueDate.adding(days: index)
            if rules.isMoratorium(day) { continue }
            let rate = uniform ? flat : rules.rate(forDay: day, paidOn: until)
            sum += Int128(rate) * (scale == .housingAndUtilities && index > 90 ? 30 : 13)
        }
        return Int128(amount) * sum
    }
}
