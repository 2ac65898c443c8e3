import Core

/// What a billing run knows of a house with common-property data, read once per run: its
/// data, who manages it, and what the house pass worked out for the period and the year before.
struct HouseCommon: Sendable {
    var data: CommonProperty
    /// The managing organisation, when an organisation manages it.
    var managerId: Int64?
    /// Per resource, the СОИ volume of the house for the period by its house meter (the owners'
    /// monthly-by-meter decision), when the pass could work it out.
    var monthVolumeMilli: [Service.Resource: Int64] = [:]
    /// Per resource, the year before's recalculation by the house meter: the СОИ volume of that
    /// year (after the negative volume carried in) and the period its spread starts.
    /// `months`: how many months of that year the volume is of (from the first the center billed).
    var year: [Service.Resource: (volumeMilli: Int64, firstPeriod: BillingPeriod, months: Int)] = [:]

    /// Whether `principalId` (a management organisation or not) charges this house's СОИ.
    func isCharged(by principalId: Int64, isManagement: Bool) -> Bool {
        switch data.management {
        case .organisation: managerId == principalId
        case .direct: !isManagement
        }
    }
}

/// One premises' share of its house's common-property volume (ПП 354 formulas: by the norm,
/// N × S_ои × S_i / S_об; by a house volume, V × S_i / S_об), and the year's recalculation by
/// the house meter in equal parts (ЖК ст. 156 ч. 9.2).
enum CommonPropertyShare {
    /// A volume shared by area, thousandths, rounded once (half away from zero).
    static func share(
        _ houseMilli: Int64, areaCenti: Int64, of premisesAreaCenti: Int64, months: Int = 1, outOf all: Int = 1
    )
        -> Int64
    {
        guard premisesAreaCenti > 0 else { return 0 }
        // A premises is never more than the whole house (a house's premises registered after its
        // data could add up to more than its premises area said).
        return Money.rounded(
            wideNumerator: Int128(houseMilli) * Int128(min(areaCenti, premisesAreaCenti)) * Int128(months),
            denominator: Int128(premisesAreaCenti) * Int128(max(all, 1))
        ).kopecks
    }

    /// The norm's volume for a premises: N (millionths per m²) × S_ои × S_i / S_об, thousandths.
    static func normVolume(normMicro: Int64, house: CommonProperty, areaCenti: Int64) -> Int64 {
        guard house.premisesAreaCenti > 0 else { return 0 }
        return Money.rounded(
            wideNumerator: Int128(normMicro) * Int128(house.commonAreaCenti)
                * Int128(min(areaCenti, house.premisesAreaCenti)),
            denominator: Int128(house.premisesAreaCenti) * 100_000
        ).kopecks
    }

    /// Part `index` (from 0) of `total` cut into `parts` equal parts that add up to it exactly:
    /// what does not divide goes a unit at a time to the first parts.
    static func part(_ total: Int64, index: Int, of parts: Int) -> Int64 {
        guard parts > 0, (0..<parts).contains(index) else { return 0 }
        let base = total / Int64(parts)
        let left = total - base * Int64(parts)
        return base + (Int64(index) < left.magnitude ? left.signum() : 0)
    }

    /// The month's volume and how it came about, for a premises of `house` and `resource`: by
    /// the norm nothing more to say (the ЕПД's reference gives the norm and the areas); the
    /// owners' decisions say the house's volume, and the norm standing in for one says why.
    static func month(
        house: HouseCommon, resource: Service.Resource, normMicro: Int64, areaCenti: Int64
    ) -> (volumeMilli: Int64, method: String, explanation: String?) {
        let data = house.data
        let norm = normVolume(normMicro: normMicro, house: data, areaCenti: areaCenti)
        switch data.method {
        case .norm:
            return (norm, "common-norm", nil)
        case .average:
            guard let year = house.year[resource] else {
                return (norm, "common-norm", "по нормативу: среднемесячного объёма ОДПУ за прошлый год нет")
            }
            return (
                share(year.volumeMilli, areaCenti: areaCenti, of: data.premisesAreaCenti, outOf: year.months),
                "common-average",
                "СОИ по среднемесячному объёму ОДПУ за \(year.firstPeriod.year - 1) г. "
                    + "(\(formatMilli(year.volumeMilli)) / \(year.months)) × \(Money(kopecks: areaCenti).formatted()) / "
                    + "\(Money(kopecks: data.premisesAreaCenti).formatted()) кв. м (решение собственников)"
            )
        case .meter:
            guard let volume = house.monthVolumeMilli[resource] else {
                return (norm, "common-norm", "по нормативу: показаний ОДПУ за период нет")
            }
            return (
                share(volume, areaCenti: areaCenti, of: data.premisesAreaCenti), "common-meter",
                "СОИ по ОДПУ: \(formatMilli(volume)) на дом × \(Money(kopecks: areaCenti).formatted()) / "
                    + "\(Money(kopecks: data.premisesAreaCenti).formatted()) кв. м (решение собственников)"
            )
        }
    }

    /// The part of the year before's recalculation by the house meter that falls in `period`,
    /// for a premises billed `entries` of its СОИ service: the year's volume shared by area for
    /// the months the premises was billed, priced as its norm was billed, less what was billed,
    /// spread in equal parts from the period the recalculation was made through December.
    static func recalculation(
        house: HouseCommon, resource: Service.Resource, areaCenti: Int64, entries: [JournalEntry],
        period: BillingPeriod
    ) -> (amount: Money, volumeMilli: Int64, note: String)? {
        guard house.data.method != .meter, let year = house.year[resource], period.year == year.firstPeriod.year,
            period >= year.firstPeriod
        else { return nil }
        let billed = entries.filter { $0.kind == .charge && $0.period.year == period.year - 1 }
        let volume = billed.reduce(Int64(0)) { $0 + $1.volumeMilli }
        let money = billed.reduce(Money.zero) { $0 + $1.amount }
        let months = Set(billed.map(\.period)).count
        guard volume > 0 else { return nil }
        let actual = share(
            year.volumeMilli, areaCenti: areaCenti, of: house.data.premisesAreaCenti, months: months, outOf: year.months
        )
        let total =
            Money.rounded(wideNumerator: Int128(money.kopecks) * Int128(actual), denominator: Int128(volume)) - money
        let parts = 12 - year.firstPeriod.month + 1
        let index = period.month - year.firstPeriod.month
        let amount = Money(kopecks: part(total.kopecks, index: index, of: parts))
        let volumePart = part(actual - volume, index: index, of: parts)
        guard amount != .zero || volumePart != 0 else { return nil }
        return (
            amount, volumePart,
            "перерасчёт СОИ за \(period.year - 1) г. по ОДПУ (ч. 9.2 ст. 156 ЖК РФ): \(formatMilli(actual)) "
                + "вместо \(formatMilli(volume)), часть \(index + 1) из \(parts)"
        )
    }
}
