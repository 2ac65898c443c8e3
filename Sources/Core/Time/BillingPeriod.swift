/// A billing period: one calendar month, written `YYYY-MM`.
public struct BillingPeriod: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (2000...2999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// A period the caller knows is a month (a neighbour of a period, a constant of erc's).
    init(known year: Int, _ month: Int) {
        self.year = year
        self.month = month
    }

    /// A period for a constant or a generated one, kept within the periods erc keeps; never nil.
    public static func clamped(_ year: Int, _ month: Int) -> BillingPeriod {
        BillingPeriod(known: max(2000, min(year, 2999)), max(1, min(month, 12)))
    }

    /// The first period erc keeps: January 2000.
    public static let first = BillingPeriod(known: 2000, 1)

    /// Parses `YYYY-MM` (`2026-10`).
    public init?(_ text: String) {
        guard let parsed = parseISODate(text, withDay: false) else { return nil }
        self.init(year: parsed.year, month: parsed.month)
    }

    public var next: BillingPeriod {
        month == 12 ? BillingPeriod(known: year + 1, 1) : BillingPeriod(known: year, month + 1)
    }

    public var previous: BillingPeriod {
        month == 1 ? BillingPeriod(known: year - 1, 12) : BillingPeriod(known: year, month - 1)
    }

    public var firstDay: CalendarDate { CalendarDate(known: year, month, 1) }
    public var lastDay: CalendarDate { CalendarDate(known: year, month, CalendarDate.daysIn(year: year, month: month)) }

    /// The day `day` of the month, kept within it (the 31st of a 30-day month is its 30th).
    public func day(_ day: Int) -> CalendarDate {
        CalendarDate(known: year, month, max(1, min(day, CalendarDate.daysIn(year: year, month: month))))
    }

    /// The period a day falls in (the first period erc keeps for a day before 2000).
    public init(containing day: CalendarDate) {
        self = BillingPeriod(year: day.year, month: day.month) ?? .first
    }

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
