/// When payment for a period falls due, kept as dated data.
///
/// Housing Code art. 155 p. 1: by the 10th of the next month; Federal Law 177-FZ of 24.06.2025
/// moved it to the 15th, first for the March 2026 period (due 15 April 2026). A new rule is a
/// new row, never an edited constant.
public struct DueDateRule: Sendable, Hashable {
    /// The first period the rule applies to.
    public let fromPeriod: BillingPeriod
    /// The day of the month after the period.
    public let dayOfNextMonth: Int

    public static let schedule: [DueDateRule] = [
        DueDateRule(fromPeriod: .first, dayOfNextMonth: 10),
        DueDateRule(fromPeriod: BillingPeriod(known: 2026, 3), dayOfNextMonth: 15),
    ]

    public static func dueDate(for period: BillingPeriod, schedule: [DueDateRule] = schedule) -> CalendarDate {
        let rule = schedule.last { $0.fromPeriod <= period } ?? schedule[0]
        let next = period.next
        // A rule's day exists in every month (it is at most the 28th).
        return CalendarDate(known: next.year, next.month, min(rule.dayOfNextMonth, 28))
    }
}
