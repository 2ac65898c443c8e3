import Core
import Testing

@testable import Billing

@Suite("Metered volumes: readings, averages, norms, late readings")
struct MeteredVolumeTests {
    func period(_ text: String) -> BillingPeriod { BillingPeriod(text)! }

    func meter(_ readings: [(String, Int64)], digits: Int = 5, verifiedUntil: String = "2030-01-01") -> MeterHistory {
        MeterHistory(
            digits: digits, initialMilli: 10_000, installedOn: CalendarDate(iso: "2026-01-10")!,
            verifiedUntil: CalendarDate(iso: verifiedUntil)!,
            readings: readings.map { text, value in
                let month = BillingPeriod(text)!
                return .init(
                    period: month, valueMilli: value,
                    takenOn: CalendarDate(year: month.year, month: month.month, day: 20)!)
            })
    }

    @Test func aReadingBillsTheDifferenceFromTheLastBeforeBilling() {
        let history = meter([("2026-08", 20_000), ("2026-09", 25_000), ("2026-10", 31_500)])
        let result = MeteredVolume.cumulative(
            history, firstBilled: period("2026-10"), through: period("2026-10"), normMilli: 5_000, residents: 2)
        #expect(result == .init(volumeMilli: 6_500, method: "metered"))
    }

    @Test func theCounterRollsOverAtItsDigits() {
        let history = meter([("2026-09", 99_998_000), ("2026-10", 1_500)])
        let result = MeteredVolume.cumulative(
            history, firstBilled: period("2026-10"), through: period("2026-10"), normMilli: nil, residents: 1)
        #expect(result.volumeMilli == 3_500)
    }

    @Test func withoutAReadingTheAverageThenTheNorm() {
        // From the initial reading in January to June: 36 units in 5 months, 7.2 a month.
        let history = meter([("2026-03", 22_000), ("2026-06", 46_000)])
        for (through, expected, method) in [
            ("2026-07", Int64(7_200), "average"), ("2026-09", 21_600, "average"), ("2026-10", 31_600, "norm"),
        ] {
            let result = MeteredVolume.cumulative(
                history, firstBilled: period("2026-07"), through: period(through), normMilli: 5_000, residents: 2)
            #expect(result == .init(volumeMilli: expected, method: method), "through \(through)")
        }
    }

    @Test func pastItsVerificationDateTheMeterIsNotBilledFromAndTheNormRises() {
        let history = meter([("2026-02", 15_000), ("2026-10", 40_000)], verifiedUntil: "2026-03-01")
        let result = MeteredVolume.cumulative(
            history, firstBilled: period("2026-10"), through: period("2026-10"), normMilli: 4_000, residents: 1)
        #expect(result == .init(volumeMilli: 6_000, method: "norm x1.5"))
    }

    @Test func aLateReadingCorrectsTheEstimates() {
        let before = meter([("2026-03", 22_000), ("2026-06", 46_000)])
        let billed = MeteredVolume.cumulative(
            before, firstBilled: period("2026-07"), through: period("2026-08"), normMilli: nil, residents: 1)
        #expect(billed.volumeMilli == 14_400)
        var after = before
        after.readings.append(
            .init(period: period("2026-09"), valueMilli: 50_000, takenOn: CalendarDate(iso: "2026-09-20")!))
        let total = MeteredVolume.cumulative(
            after, firstBilled: period("2026-07"), through: period("2026-09"), normMilli: nil, residents: 1)
        // 4 units used since June: September takes back 10.4 of the 14.4 estimated.
        #expect(total.volumeMilli - billed.volumeMilli == -10_400)
    }
}
