public import Core

/// One individual meter with the readings the center holds for it.
public struct MeterHistory: Sendable, Hashable {
    public struct Reading: Sendable, Hashable {
        public var period: BillingPeriod
        public var valueMilli: Int64
        public var takenOn: CalendarDate
        public init(period: BillingPeriod, valueMilli: Int64, takenOn: CalendarDate) {
            self.period = period
            self.valueMilli = valueMilli
            self.takenOn = takenOn
        }
    }

    public var digits: Int
    public var initialMilli: Int64
    public var installedOn: CalendarDate
    public var verifiedUntil: CalendarDate
    public var readings: [Reading]

    public init(
        digits: Int, initialMilli: Int64, installedOn: CalendarDate, verifiedUntil: CalendarDate, readings: [Reading]
    ) {
        self.digits = digits
        self.initialMilli = initialMilli
        self.installedOn = installedOn
        self.verifiedUntil = verifiedUntil
        self.readings = readings
    }
}

/// The volume a meter's service should have been billed, in total, from the first period erc
/// billed it through a period (Rules 354 p. 59-60, ../shared/law-2026.md §7):
/// - consumption between readings, rolling over at the meter's digit capacity;
/// - no reading submitted (p. 59 "б"): for the months after the last reading, the average
///   monthly consumption of up to six months before it (over at least three), for at most six
///   months in a row; then the norm x residents, without a factor (p. 60);
/// - a meter past its verification date (p. 59 "а", whose readings are not billed from): the
///   average for at most three months from the first whole month after that date; then the norm
///   x residents x 1.5 for water (ЖК ст. 157 ч. 1: not for electricity, heat or gas), the norm
///   for the rest (p. 60);
/// - without an average (fewer than three months of readings), the norm at once, by the same
///   rules for the factor.
///
/// Billing posts the difference between this total and what it billed before, so a late
/// reading corrects the estimates of the months it missed in the next open period.
public enum MeteredVolume {
    public struct Result: Sendable, Hashable {
        public var volumeMilli: Int64
        /// How the last period's volume came about: `metered`, `average`, `norm` or `norm x1.5`.
        public var method: String
        /// Why, in the words the ЕПД prints; nil for readings.
        public var explanation: String?
    }

    /// Months of the average when no reading is submitted (p. 59 "б").
    public static let averageMonthsWithoutReadings = 6
    /// Months of the average after a meter failed or its verification expired (p. 59 "а").
    public static let averageMonthsAfterFailure = 3

    public static func cumulative(
        _ meter: MeterHistory, firstBilled: BillingPeriod, through period: BillingPeriod, normMilli: Int64?,
        residents: Int, increasingFactor: Bool = false
    ) -> Result {
        // The last valid reading of each period counts.
        var byPeriod: [BillingPeriod: MeterHistory.Reading] = [:]
        for reading in meter.readings where reading.period <= period && reading.takenOn <= meter.verifiedUntil {
            if let held = byPeriod[reading.period], held.takenOn > reading.takenOn { continue }
            byPeriod[reading.period] = reading
        }
        // A meter installed before 2000 counts from the first period erc keeps.
        let installed =
            BillingPeriod(year: meter.installedOn.year, month: meter.installedOn.month)
            ?? .first
        var points: [(period: BillingPeriod, value: Int64)] = [(installed, meter.initialMilli)]
        points += byPeriod.values.sorted { $0.period < $1.period }.filter { $0.period >= installed }
            .map { ($0.period, $0.valueMilli) }
        func consumption(from first: Int, to last: Int) -> Int64 {
            guard first < last else { return 0 }
            var total: Int64 = 0
            for index in (first + 1)...last {
                total +=
                    (try? ChargeCalculator.volume(
                        .metered(
                            previousMilli: points[index - 1].value, currentMilli: points[index].value,
                            digits: meter.digits))) ?? 0
            }
            return total
        }
        // The baseline: the last point before erc began billing the meter.
        let base = points.lastIndex { $0.period < firstBilled } ?? 0
        let last = points.count - 1
        let actual = consumption(from: base, to: last)
        let lastPeriod = max(points[last].period, firstBilled.previous)
        // The average of up to six months before the last reading, over three at least.
        var average: Int64?
        if let first = points.firstIndex(where: { $0.period >= points[last].period.minus(months: 6) }) {
            let months = Int64(points[last].period.index - points[first].period.index)
            if months >= 3 {
                average = Money.rounded(numerator: consumption(from: first, to: last), denominator: months).kopecks
            }
        }
        // The first whole month after the verification date.
        let failedFrom = BillingPeriod(containing: meter.verifiedUntil.adding(days: 1))
        let firstFailed = failedFrom.firstDay > meter.verifiedUntil ? failedFrom : failedFrom.next
        let lastReading = points[last].period
        var estimated: Int64 = 0
        var method = "metered"
        var explanation: String?
        var month = lastPeriod.next
        let norm = (normMilli ?? 0) * Int64(residents)
        while month <= period {
            if meter.verifiedUntil < month.firstDay {
                let since = month.index - firstFailed.index
                let expired = "поверка истекла \(meter.verifiedUntil.russian)"
                if since < averageMonthsAfterFailure, let average {
                    estimated += average
                    method = "average"
                    explanation =
                        "\(expired), по среднему (\(since + 1) из \(averageMonthsAfterFailure) мес., п. 59а)"
                } else if increasingFactor {
                    estimated += norm * 3 / 2
                    method = "norm x1.5"
                    explanation = "\(expired), по нормативу с коэф. 1,5 (п. 60)"
                } else {
                    estimated += norm
                    method = "norm"
                    explanation = "\(expired), по нормативу (п. 60)"
                }
            } else {
                let gap = month.index - lastReading.index
                let since =
                    lastReading == installed
                    ? "показаний нет" : "нет показаний с \(pad(lastReading.next.month, 2)).\(lastReading.next.year)"
                if gap <= averageMonthsWithoutReadings, let average {
                    estimated += average
                    method = "average"
                    explanation =
                        "\(since), по среднему (\(gap) из \(averageMonthsWithoutReadings) мес., п. 59б)"
                } else {
                    estimated += norm
                    method = "norm"
                    explanation = "\(since), по нормативу (п. 60)"
                }
            }
            month = month.next
        }
        return Result(volumeMilli: actual + estimated, method: method, explanation: explanation)
    }
}

extension BillingPeriod {
    /// The period `months` before this one.
    func minus(months: Int) -> BillingPeriod {
        var period = self
        for _ in 0..<months { period = period.previous }
        return period
    }
}
