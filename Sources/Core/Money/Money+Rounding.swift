extension Money {
    /// The one rounding function for computed amounts: `numerator / denominator` kopecks,
    /// rounded half away from zero. A charge line (volume x tariff) and a penalty are rounded
    /// here once, never on the way.
    ///
    /// - Precondition: `denominator > 0`.
    public static func rounded(numerator: Int64, denominator: Int64) -> Money {
        precondition(denominator > 0, "rounding by a non-positive denominator")
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        if remainder.magnitude * 2 >= denominator.magnitude {
            return Money(kopecks: numerator < 0 ? quotient - 1 : quotient + 1)
        }
        return Money(kopecks: quotient)
    }

    /// The same rounding for a product too large for 64 bits (volume x price in millionths of a
    /// kopeck x days).
    public static func rounded(wideNumerator numerator: Int128, denominator: Int128) -> Money {
        precondition(denominator > 0, "rounding by a non-positive denominator")
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        if remainder.magnitude * 2 >= denominator.magnitude {
            return Money(kopecks: Int64(numerator < 0 ? quotient - 1 : quotient + 1))
        }
        return Money(kopecks: Int64(quotient))
    }

    /// The charge for a volume given in thousandths of a unit at a tariff in kopecks per unit,
    /// rounded once: `volumeMilli x tariff / 1000`.
    public static func charge(volumeMilli: Int64, tariff: Money) -> Money {
        rounded(numerator: volumeMilli * tariff.kopecks, denominator: 1000)
    }

    /// Splits the amount into parts proportional to `weights` by the largest-remainder method,
    /// so the parts add up to the amount exactly. Ties go to the earlier weight. When every
    /// weight is zero the first part takes the whole amount; no weights give no parts.
    public func split(proportionalTo weights: [Int64]) -> [Money] {
        guard !weights.isEmpty else { return [] }
        precondition(weights.allSatisfy { $0 >= 0 }, "negative weight in a split")
        let total = weights.reduce(0, +)
        guard total > 0 else {
            var parts = Array(repeating: Money.zero, count: weights.count)
            parts[0] = self
            return parts
        }
        let sign: Int64 = kopecks < 0 ? -1 : 1
        let amount = kopecks.magnitude
        var parts: [UInt64] = []
        var remainders: [(index: Int, remainder: UInt64)] = []
        var allocated: UInt64 = 0
        for (index, weight) in weights.enumerated() {
            let (high, low) = amount.multipliedFullWidth(by: UInt64(weight))
            let (quotient, remainder) = UInt64(total).dividingFullWidth((high, low))
            parts.append(quotient)
            remainders.append((index, remainder))
            allocated += quotient
        }
        var left = amount - allocated
        remainders.sort { $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.index < $1.index }
        var cursor = 0
        while left > 0 {
            parts[remainders[cursor].index] += 1
            left -= 1
            cursor += 1
        }
        return parts.map { Money(kopecks: sign * Int64($0)) }
    }
}
