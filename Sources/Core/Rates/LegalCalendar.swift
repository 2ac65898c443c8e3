/// When payment for a period falls due: the day of the next month its due-day row names, moved
/// to the next working day when it falls on a non-working one (Civil Code art. 193). Saturdays
/// and Sundays are non-working unless a row makes one a working day; holidays and transferred
/// days off are rows.
public struct LegalCalendar: Sendable, Hashable {
    struct DueDay: Sendable, Hashable {
        var from: BillingPeriod
        var day: Int
    }

    var dueDays: [DueDay]
    var nonWorkingDays: Set<CalendarDate>
    var workingDays: Set<CalendarDate>

    /// The calendar of `rows` (rows of other kinds are ignored).
    public init(rows: [RateRow]) {
        dueDays = rows.filter { $0.kind == .dueDay }.map {
            DueDay(from: BillingPeriod(containing: $0.from), day: $0.value ?? 10)
        }.sorted { $0.from < $1.from }
        var off: Set<CalendarDate> = []
        for row in rows where row.kind == .nonWorkingDay {
            var day = row.from
            // A range of days off; a reversed range names its first day only.
            repeat {
                off.insert(day)
                day = day.adding(days: 1)
            } while day <= (row.through ?? row.from)
        }
        nonWorkingDays = off
        workingDays = Set(rows.filter { $0.kind == .workingDay }.map(\.from))
    }

    public func isWorkingDay(_ day: CalendarDate) -> Bool {
        if workingDays.contains(day) { return true }
        if nonWorkingDays.contains(day) { return false }
        return day.weekday <= 5
    }

    /// The day the rules name for the period, before moving it off a non-working day; nil when
    /// no due-day row covers the period.
    public func nominalDueDate(for period: BillingPeriod) -> CalendarDate? {
        guard let rule = dueDays.last(where: { $0.from <= period }) else { return nil }
        return period.next.day(rule.day)
    }

    /// The day payment for `period` is due. Without a due-day row for it, the 10th of the next
    /// month (Housing Code art. 155 p. 1 as it stood before 177-ФЗ), moved the same way. `day`,
    /// a service's own due day (its principal's file), takes the rows' place.
    public func dueDate(for period: BillingPeriod, day own: Int? = nil) -> CalendarDate {
        var day = own.map { period.next.day($0) } ?? nominalDueDate(for: period) ?? period.next.day(10)
        // A year has no run of more than a few weeks of days off; the bound only guards bad rows.
        for _ in 0..<60 where !isWorkingDay(day) { day = day.adding(days: 1) }
        return day
    }
}
