/// An amount of money in whole kopecks.
///
/// Money never passes through a floating-point number: amounts are parsed from text
/// straight into kopecks, added as integers and printed from integers.
public struct Money: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The amount in kopecks (1/100 of a rouble). Negative for credits and advances.
    public var kopecks: Int64

    public init(kopecks: Int64) {
        self.kopecks = kopecks
    }

    public static let zero = Money(kopecks: 0)

    public static func + (lhs: Money, rhs: Money) -> Money { Money(kopecks: lhs.kopecks + rhs.kopecks) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(kopecks: lhs.kopecks - rhs.kopecks) }
    public static prefix func - (value: Money) -> Money { Money(kopecks: -value.kopecks) }
    public static func += (lhs: inout Money, rhs: Money) { lhs.kopecks += rhs.kopecks }
    public static func -= (lhs: inout Money, rhs: Money) { lhs.kopecks -= rhs.kopecks }
    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.kopecks < rhs.kopecks }

    /// Russian style: `1 234,56` (a narrow no-break space groups thousands is replaced by a plain
    /// space so that text extraction and terminals show it the same way).
    public var description: String { formatted() }
}

extension Money {
    /// Formats the amount the Russian way: thousands grouped by `groupSeparator`, a decimal comma,
    /// always two kopeck digits: `-1 234 567,05`.
    public func formatted(groupSeparator: String = " ", decimalSeparator: String = ",") -> String {
        let negative = kopecks < 0
        let magnitude = kopecks.magnitude
        let roubles = String(magnitude / 100)
        let cents = magnitude % 100
        var grouped = ""
        for (index, digit) in roubles.enumerated() {
            if index > 0 && (roubles.count - index) % 3 == 0 {
                grouped += groupSeparator
            }
            grouped.append(digit)
        }
        let centsText = cents < 10 ? "0\(cents)" : "\(cents)"
        return (negative ? "-" : "") + grouped + decimalSeparator + centsText
    }

    /// Plain machine form with a decimal point and no grouping: `1234.56`.
    public var decimalString: String {
        formatted(groupSeparator: "", decimalSeparator: ".")
    }
}
