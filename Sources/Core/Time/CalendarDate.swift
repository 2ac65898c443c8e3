/// A day of the center's local calendar (Asia/Yekaterinburg for Chelyabinsk), without a time.
///
/// Due dates, reading windows and penalty days are counted in these days. Computations take a
/// `CalendarDate` as an explicit input and never read the wall clock.
public struct CalendarDate: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Returns nil when the day does not exist (`2026-02-30`).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CalendarDate.daysIn(year: year, month: month)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A day the caller knows exists (a month's first or last day, a day a rule names).
    init(known year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// A day for a constant or a generated one: the month kept within 1...12 and the day within
    /// the month (`clamped(2026, 2, 30)` is 2026-02-28); never nil.
    public static func clamped(_ year: Int, _ month: Int, _ day: Int) -> CalendarDate {
        let month = max(1, min(month, 12))
        return CalendarDate(known: max(1, min(year, 9999)), month, max(1, min(day, daysIn(year: year, month: month))))
    }

    /// Parses ISO `YYYY-MM-DD`.
    public init?(iso text: String) {
        guard let parsed = parseISODate(text, withDay: true) else { return nil }
        self.init(year: parsed.year, month: parsed.month, day: parsed.day)
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (days-from-civil, proleptic Gregorian).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        self.year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.month = month
        self.day = day
    }

    public func adding(days: Int) -> CalendarDate { CalendarDate(dayNumber: dayNumber + days) }

    /// The day of the week, ISO numbering: 1 Monday ... 7 Sunday (1970-01-01 was a Thursday).
    public var weekday: Int { ((dayNumber + 3) % 7 + 7) % 7 + 1 }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: CalendarDate) -> Int { other.dayNumber - dayNumber }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

    /// `YYYY-MM-DD`.
    public var description: String {
        "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// `DD.MM.YYYY`, as printed on Russian documents.
    public var russian: String {
        "\(pad(day, 2)).\(pad(month, 2)).\(pad(year, 4))"
    }
}

/// `value` in decimal with leading zeros to `width` digits (numbers, dates and accounts in
/// files and on documents).
package func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

/// Parses `YYYY-MM` (`withDay` false) or `YYYY-MM-DD` from ASCII digits without allocating:
/// dates and periods are parsed millions of times in a billing run.
func parseISODate(_ text: String, withDay: Bool) -> (year: Int, month: Int, day: Int)? {
    var text = text
    return text.withUTF8 { bytes -> (Int, Int, Int)? in
        guard bytes.count == (withDay ? 10 : 7), bytes[4] == UInt8(ascii: "-") else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for index in from..<(from + count) {
                let digit = Int(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2) else { return nil }
        guard withDay else { return (year, month, 1) }
        guard bytes[7] == UInt8(ascii: "-"), let day = number(8, 2) else { return nil }
        return (year, month, day)
    }
}

extension String {
    /// The text without a final `suffix` (a sentence's full stop, before another is added).
    package func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
