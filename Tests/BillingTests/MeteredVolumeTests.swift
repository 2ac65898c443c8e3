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

    @Test("no reading submitted: the average for six months, the norm from the seventh, without a factor")
    func withoutAReadingTheAverageThenTheNorm() {
        // From the initial reading in January to June: 36 units in 5 months, 7.2 a month.
        let history = meter([("2026-03", 22_000), ("2026-06", 46_000)])
        for (through, expected, method, note) in [
            (
                "2026-07", Int64(7_200), "average",
                "нет показаний с 07.2026, по среднему (1 из 6 мес., п. 59б)"
            ),
            ("2026-12", 43_200, "average", "нет показаний с 07.2026, по среднему (6 из 6 мес., п. 59б)"),
            // The seventh month: the norm (5 units x 2 residents), no factor even for water.
            ("2027-01", 53_200, "norm", "нет показаний с 07.2026, по нормативу (п. 60)"),
        ] {
            let result = MeteredVolume.cumulative(
                history, firstBilled: period("2026-07"), through: period(through), normMilli: 5_000, residents: 2,
                increasingFactor: true)
            #expect(result == .init(volumeMilli: expected, method: method, explanation: note), "through \(through)")
        }
    }

    @Test(
        "verification expired: the average for three months from the first whole month after it, then the norm x1.5 for water only"
    )
    func afterTheVerificationDate() {
        // Readings to May (installed January: 20 units in 4 months, 5 a month); verified until
        // 30.06.2026, so July is the first month without verification. June has no reading: the
        // average for "no reading" (1st of 6); July, August, September: the average after the
        // failure (1st to 3rd of 3); October: the norm, x1.5 for water.
        let history = meter([("2026-02", 15_000), ("2026-05", 30_000)], verifiedUntil: "2026-06-30")
        func bill(through: String, water: Bool) -> MeteredVolume.Result {
            MeteredVolume.cumulative(
                history, firstBilled: period("2026-06"), through: period(through), normMilli: 4_000, residents: 1,
                increasingFactor: water)
        }
        let expired = "поверка истекла 30.06.2026"
        #expect(bill(through: "2026-06", water: true).explanation?.contains("(1 из 6 мес., п. 59б") == true)
        #expect(
            bill(through: "2026-09", water: true)
                == .init(
                    volumeMilli: 20_000, method: "average",
                    explanation: "\(expired), по среднему (3 из 3 мес., п. 59а)"))
        #expect(
            bill(through: "2026-10", water: true)
                == .init(
                    volumeMilli: 26_000, method: "norm x1.5",
                    explanation: "\(expired), по нормативу с коэф. 1,5 (п. 60)"))
        // Electricity, heat, gas: the norm without the factor.
        #expect(
            bill(through: "2026-10", water: false)
                == .init(volumeMilli: 24_000, method: "norm", explanation: "\(expired), по нормативу (п. 60)"))
    }

    @Test func pastItsVerificationDateTheMeterIsNotBilledFromAndTheNormRises() {
        // The October reading was taken after the verification date: not billed from. No average
        // (one month of readings): the norm, x1.5 for water.
        let history = meter([("2026-02", 15_000), ("2026-10", 40_000)], verifiedUntil: "2026-03-01")
        func bill(water: Bool) -> MeteredVolume.Result {
            MeteredVolume.cumulative(
                history, firstBilled: period("2026-10"), through: period("2026-10"), normMilli: 4_000, residents: 1,
                increasingFactor: water)
        }
        #expect(bill(water: true).volumeMilli == 6_000 && bill(water: true).method == "norm x1.5")
        #expect(bill(water: false).volumeMilli == 4_000 && bill(water: false).method == "norm")
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
