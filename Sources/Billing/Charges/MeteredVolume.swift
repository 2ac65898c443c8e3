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
/// billed it through a period (Rules 354 p. 59-60):
/// - consumption between readings, rolling over at the meter's digit capacity;
/// - for the months after the last reading, the average monthly consumption of up to six months
///   before it (over at least three), for at most three months in a row;
/// - then, or without an average, the norm x residents, x 1.5 once the meter is past its
///   verification date (whose readings are not billed from).
///
/// Billing posts the difference between this total and what it billed before, so a late
/// reading corrects the estimates of the months it missed in the next open period.
public enum MeteredVolume {
    public struct Result: Sendable, Hashable {
        public var volumeMilli: Int64
        /// How the last period's volume came about: `metered`, `average`, `norm` or `norm x1.5`.
        public var method: String
    }

    public static func cumulative(
        _ meter: MeterHistory, firstBilled: BillingPeriod, through period: BillingPeriod, normMilli: Int64?,
        residents: Int
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
        var estimated: Int64 = 0
        var method = "metered"
        var month = lastPeriod.next
        while month <= period {
            let gap = month.index - points[last].period.index
            if gap <= 3, let average {
                estimated += average
                method = "average"
            } else {
                let failed = meter.verifiedUntil < month.firstDay
                let norm = (normMilli ?? 0) * Int64(residents)
                estimated += failed ? norm * 3 / 2 : norm
                method = failed ? "norm x1.5" : "norm"
            }
            month = month.next
        }
        return Result(volumeMilli: actual + estimated, method: method)
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
