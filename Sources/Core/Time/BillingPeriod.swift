/// A billing period: one calendar month, written `YYYY-MM`.
public struct BillingPeriod: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (2000...2999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM` (`2026-10`).
    public init?(_ text: String) {
        guard let parsed = parseISODate(text, withDay: false) else { return nil }
        self.init(year: parsed.year, month: parsed.month)
    }

    public var next: BillingPeriod {
        month == 12 ? BillingPeriod(year: year + 1, month: 1)! : BillingPeriod(year: year, month: month + 1)!
    }

    public var previous: BillingPeriod {
        month == 1 ? BillingPeriod(year: year - 1, month: 12)! : BillingPeriod(year: year, month: month - 1)!
    }

    public var firstDay: CalendarDate { CalendarDate(year: year, month: month, day: 1)! }
    public var lastDay: CalendarDate {
        CalendarDate(year: year, month: month, day: CalendarDate.daysIn(year: year, month: month))!
    }

    /// The day payment for this period is due, by the dated rules in `DueDateRule.schedule`.
    public var dueDate: CalendarDate { DueDateRule.dueDate(for: self) }

    /// A sequence number of the month, for ordering and storage: `year * 12 + month - 1`.
    public var index: Int { year * 12 + month - 1 }

    public static func < (lhs: BillingPeriod, rhs: BillingPeriod) -> Bool { lhs.index < rhs.index }

    /// `YYYY-MM`.
    public var description: String { "\(pad(year, 4))-\(pad(month, 2))" }

    /// `MMYYYY`, the form of `PaymPeriod` in payment QR codes.
    public var mmyyyy: String { "\(pad(month, 2))\(pad(year, 4))" }

    /// `октябрь 2026`.
    public var russianName: String { "\(BillingPeriod.monthNames[month - 1]) \(year)" }

    static let monthNames = [
        "январь", "февраль", "март", "апрель", "май", "июнь",
        "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
    ]
}
