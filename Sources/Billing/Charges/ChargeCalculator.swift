public import Core

/// How a service's monthly volume comes about for a premises.
public enum ChargeMethod: Sendable, Hashable {
    /// Individual meter: current minus previous reading (thousandths), rolling over at the
    /// meter's digit capacity.
    case metered(previousMilli: Int64, currentMilli: Int64, digits: Int)
    /// No meter: a norm per resident.
    case normPerResident(normMilli: Int64, residents: Int)
    /// Per square metre of total area (maintenance, capital repair).
    case perArea(areaCenti: Int64)
    /// A fixed sum per premises (intercom, antenna): one unit.
    case fixed
}

/// A calculation that cannot be made from its inputs.
public struct ChargeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public var description: String { "\(reason) - while calculating a charge" }
}

/// Turns volumes and tariffs into charge amounts: volume x tariff, a tariff that changes within
/// the month prorated by days, rounded once per charge line (half away from zero).
public enum ChargeCalculator {
    /// The volume of the period in thousandths of the unit.
    public static func volume(_ method: ChargeMethod) throws(ChargeError) -> Int64 {
        switch method {
        case .metered(let previous, let current, let digits):
            guard previous >= 0, current >= 0, (1...9).contains(digits) else {
                throw ChargeError(reason: "readings must be non-negative and the meter have 1 to 9 digits")
            }
            var capacity: Int64 = 1_000
            for _ in 0..<digits { capacity *= 10 }
            guard previous < capacity, current < capacity else {
                throw ChargeError(reason: "a reading has more integer digits than the meter")
            }
            return current >= previous ? current - previous : capacity - previous + current
        case .normPerResident(let norm, let residents):
            return normVolume(normMilli: norm, residents: residents)
        case .perArea(let areaCenti):
            return areaVolume(areaCenti: areaCenti)
        case .fixed:
            return fixedVolume
        }
    }

    /// The norm x residents, thousandths of the unit.
    public static func normVolume(normMilli: Int64, residents: Int) -> Int64 { normMilli * Int64(residents) }
    /// The area in m², thousandths (from hundredths).
    public static func areaVolume(areaCenti: Int64) -> Int64 { areaCenti * 10 }
    /// One unit.
    public static let fixedVolume: Int64 = 1_000

    /// The charge for `volumeMilli` in `period` when `tariffs` (of this service) change on their
    /// effective dates: each tariff weighs by the days of the month it is in force.
    public static func amount(volumeMilli: Int64, tariffs: [Tariff], period: BillingPeriod) throws(ChargeError) -> Money
    {
        let sorted = tariffs.sorted { $0.effectiveFrom < $1.effectiveFrom }
        let first = period.firstDay
        let days = Int64(CalendarDate.daysIn(year: period.year, month: period.month))
        guard
            let opening = sorted.last(where: { $0.effectiveFrom <= first })
                ?? sorted.first(where: { $0.effectiveFrom <= period.lastDay })
        else {
            throw ChargeError(reason: "no tariff is in force in \(period)")
        }
        // Price (millionths of a kopeck) x days, summed, then volume x that / (days x 1000 x 10^6),
        // rounded once.
        var weighted: Int128 = 0
        var day = max(first, opening.effectiveFrom)
        // Days before the first tariff in force carry no charge.
        var current = opening
        for next in sorted where next.effectiveFrom > day && next.effectiveFrom <= period.lastDay {
            weighted += Int128(current.microPrice) * Int128(day.days(until: next.effectiveFrom))
            day = next.effectiveFrom
            current = next
        }
        weighted += Int128(current.microPrice) * Int128(day.days(until: period.lastDay) + 1)
        return Money.rounded(
            wideNumerator: Int128(volumeMilli) * weighted, denominator: Int128(days) * 1_000 * 1_000_000)
    }

    /// A privilege: `percent` off the charge for the share of residents entitled to it, shown
    /// as its own (negative) amount, never hidden in the charge.
    public static func privilege(charge: Money, entitledResidents: Int, residents: Int, percent: Int) -> Money {
        guard residents > 0, entitledResidents > 0, percent > 0 else { return .zero }
        let share = Int64(min(entitledResidents, residents))
        return -Money.rounded(numerator: charge.kopecks * share * Int64(percent), denominator: Int64(residents) * 100)
    }

    /// A privilege within a social norm of area: `percent` off the charge for the area within
    /// the norm (`areaNormCenti` of `areaCenti`; all of it when the premises is no larger).
    public static func privilege(charge: Money, areaNormCenti: Int64, areaCenti: Int64, percent: Int) -> Money {
        guard areaCenti > 0, areaNormCenti > 0, percent > 0 else { return .zero }
        let within = min(areaNormCenti, areaCenti)
        return -Money.rounded(
            wideNumerator: Int128(charge.kopecks) * Int128(within) * Int128(percent),
            denominator: Int128(areaCenti) * 100)
    }
}
