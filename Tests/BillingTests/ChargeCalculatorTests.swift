import Billing
import Core
import Testing

@Suite("Charges from volumes and tariffs")
struct ChargeCalculatorTests {
    static func day(_ iso: String) -> CalendarDate { CalendarDate(iso: iso)! }
    let october = BillingPeriod("2026-10")!

    @Test func meteredWithRollover() throws {
        #expect(
            try ChargeCalculator.volume(.metered(previousMilli: 123_456, currentMilli: 131_008, digits: 5)) == 7_552)
        // 99 998.500 -> 00 001.250 on a 5-digit meter: 2.750 m³.
        #expect(
            try ChargeCalculator.volume(.metered(previousMilli: 99_998_500, currentMilli: 1_250, digits: 5)) == 2_750)
        #expect(throws: ChargeError.self) {
            try ChargeCalculator.volume(.metered(previousMilli: 0, currentMilli: 100_000_000, digits: 5))
        }
    }

    /// Without a reading the average, then the norm: `MeteredVolumeTests` (the rule billing uses).
    @Test("norms, area and fixed volumes")
    func volumes() throws {
        #expect(try ChargeCalculator.volume(.normPerResident(normMilli: 4_850, residents: 2)) == 9_700)
        #expect(try ChargeCalculator.volume(.perArea(areaCenti: 5_430)) == 54_300)
        #expect(try ChargeCalculator.volume(.fixed) == 1_000)
    }

    @Test("a tariff changing mid-month is prorated by days and rounded once")
    func proratedTariff() throws {
        let tariffs = [
            Tariff(serviceCode: "CW", effectiveFrom: Self.day("2026-01-01"), price: Money(kopecks: 4_000)),
            Tariff(serviceCode: "CW", effectiveFrom: Self.day("2026-10-21"), price: Money(kopecks: 4_310)),
        ]
        // 20 days at 40.00 and 11 at 43.10 over 31 days, 10 m³: 10 x (800 + 474.10) / 31 = 411.00
        #expect(
            try ChargeCalculator.amount(volumeMilli: 10_000, tariffs: tariffs, period: october)
                == Money(kopecks: 41_100))
        // A whole month at one tariff is volume x tariff.
        #expect(
            try ChargeCalculator.amount(volumeMilli: 11_420, tariffs: tariffs, period: BillingPeriod("2026-09")!)
                == Money.charge(volumeMilli: 11_420, tariff: Money(kopecks: 4_000)))
        #expect(throws: ChargeError.self) {
            try ChargeCalculator.amount(volumeMilli: 1_000, tariffs: tariffs, period: BillingPeriod("2025-12")!)
        }
    }

    @Test func privileges() {
        // 50 % for one of three residents on 1 500.00: 250.00 off, as its own line.
        #expect(
            ChargeCalculator.privilege(charge: Money(kopecks: 150_000), entitledResidents: 1, residents: 3, percent: 50)
                .kopecks == -25_000)
        #expect(
            ChargeCalculator.privilege(charge: Money(kopecks: 100), entitledResidents: 0, residents: 3, percent: 50)
                == .zero)
    }

    @Test func aTwoComponentTariffIsOnePricePerUnitRoundedOnce() throws {
        // Hot water: 42.89 per m³ of water + 2 489.00 per Gcal x 0.0612 Gcal per m³ = 195.2168 per m³.
        let tariff = Tariff(
            serviceCode: "HW", effectiveFrom: Self.day("2026-07-01"), price: Money(kopecks: 4_289),
            component: Tariff.Component(price: Money(kopecks: 248_900), factorMicro: 61_200))
        #expect(tariff.unitPrice == Money(kopecks: 19_522))
        // 10 m³: 1 952.168 -> 1 952.17, rounded once (10 x 195.22 would give 1 952.20).
        #expect(
            try ChargeCalculator.amount(volumeMilli: 10_000, tariffs: [tariff], period: october)
                == Money(kopecks: 195_217))
    }
}
