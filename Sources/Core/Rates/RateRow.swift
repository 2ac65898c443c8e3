/// One dated row of the legal rules penalties and due dates are computed by: a key rate, the
/// cap on it, a moratorium, the day payment falls due, a non-working day, the days of grace.
/// New law is a new row with the day it takes effect and its legal basis; nothing about rates
/// is a constant in code (the defaults are rows a migration ships).
public struct RateRow: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The Bank of Russia key rate from `from`; `value` in basis points (16.5 % = 1650).
        case keyRate = "key-rate"
        /// min(cap, key rate) for payments made from `from` through `through`; `value` in basis
        /// points.
        case rateCap = "rate-cap"
        /// No penalty accrues from `from` through `through`.
        case moratorium
        /// Payment for the periods from the one `from` falls in falls due on day `value` of the
        /// next month (moved to the next working day).
        case dueDay = "due-day"
        /// A non-working day besides Saturdays and Sundays (a holiday, a transferred day off),
        /// `from` through `through` when given.
        case nonWorkingDay = "non-working-day"
        /// A Saturday or Sunday made a working day by a transfer.
        case workingDay = "working-day"
        /// Days after the due date without penalty for debts falling due from `from` (`value`; 30:
        /// the penalty starts on day 31).
        case graceDays = "grace-days"
        /// Whether the day of payment counts as a day of delay for payments from `from`
        /// (`value` 1) or not (0).
        case paymentDay = "payment-day"
        /// How a debt paid after a cap's window is priced, for payments from `from`: 0 (the
        /// literal reading) caps the days inside the window and prices the later days at the
        /// payment day's key rate; 1 prices the whole delay at the payment day's key rate.
        case afterCap = "after-cap"

        /// The kinds a calculation cannot do without: a file may replace their rows, never leave
        /// none in force.
        public var isRequired: Bool { self == .keyRate || self == .dueDay || self == .graceDays || self == .paymentDay }

        /// The kinds whose rows are windows that must not overlap (which one would apply?).
        public var isWindow: Bool { self == .rateCap || self == .moratorium }

        /// Whether a row of this kind needs `value`, `through`.
        public var needsValue: Bool {
            switch self {
            case .keyRate, .rateCap, .dueDay, .graceDays, .paymentDay, .afterCap: true
            case .moratorium, .nonWorkingDay, .workingDay: false
            }
        }
        public var needsThrough: Bool { self == .rateCap || self == .moratorium }

        /// The range `value` must fall in.
        public var valueRange: ClosedRange<Int> {
            switch self {
            // A rate from 0,01 % to 50 % (the Bank of Russia's key rate has been 4,25 % to 21 %).
            case .keyRate, .rateCap: 1...5_000
            case .dueDay: 1...28
            case .graceDays: 0...365
            case .paymentDay, .afterCap: 0...1
            case .moratorium, .nonWorkingDay, .workingDay: 0...0
            }
        }
    }

    public var kind: Kind
    public var from: CalendarDate
    public var through: CalendarDate?
    public var value: Int?
    /// The legal act or decision the row comes from ("Решение Совета директоров Банка России от
    /// 24.10.2025", "ПП РФ 18.03.2025 № 329").
    public var basis: String

    public init(kind: Kind, from: CalendarDate, through: CalendarDate? = nil, value: Int? = nil, basis: String) {
        self.kind = kind
        self.from = from
        self.through = through
        self.value = value
        self.basis = basis
    }

    /// Whether `day` falls in the row's days (`from` through `through`, or `from` alone).
    public func covers(_ day: CalendarDate) -> Bool { from <= day && day <= (through ?? from) }

    /// The row in words, as a reason and a listing show it.
    public var described: String {
        let days = through.map { "\(from.russian)-\($0.russian)" } ?? "с \(from.russian)"
        switch kind {
        case .keyRate: return "ключевая ставка \(Self.percent(value)) \(days)"
        case .rateCap: return "предел ставки \(Self.percent(value)) \(days)"
        case .moratorium: return "мораторий \(days)"
        case .dueDay: return "срок оплаты до \(value ?? 0)-го числа за периоды с \(BillingPeriod(containing: from))"
        case .nonWorkingDay: return "нерабочий день \(through.map { "\(from.russian)-\($0.russian)" } ?? from.russian)"
        case .workingDay: return "рабочий день \(from.russian)"
        case .graceDays: return "\(value ?? 0) дней без пени для сроков с \(from.russian)"
        case .paymentDay: return (value == 1 ? "день оплаты учитывается" : "день оплаты не учитывается") + " \(days)"
        case .afterCap:
            return
                (value == 1
                ? "после предела: вся просрочка по ставке дня оплаты"
                : "после предела: дни до конца предела по пределу")
                + " \(days)"
        }
    }

    /// Basis points as a percent with a decimal comma (950 → "9,5 %").
    public static func percent(_ basisPoints: Int?) -> String {
        let value = basisPoints ?? 0
        let whole = value / 100
        let cents = value % 100
        if cents == 0 { return "\(whole) %" }
        let fraction = cents % 10 == 0 ? "\(cents / 10)" : pad(cents, 2)
        return "\(whole),\(fraction) %"
    }
}
