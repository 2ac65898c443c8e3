import Billing
import Core
import Storage
import Testing

/// The worked examples of DOMAIN.md section 3.4 (debt 5 000.00, rate 9.5 %), computed with the
/// rows erc ships; and the corrections of law-2026.md §2 and §8, each computed by hand.
@Suite("Penalties, Housing Code art. 155 p. 14")
struct PenaltyCalculatorTests {
    static func day(_ iso: String) -> CalendarDate { CalendarDate(iso: iso)! }
    static let shipped = PenaltyRules(rows: Schema.shippedRates)
    let calculator = PenaltyCalculator(rules: PenaltyCalculatorTests.shipped)
    let debt = Money(kopecks: 500_000)

    func paid(_ due: String, _ on: String, _ calculator: PenaltyCalculator? = nil, debt: Money? = nil) -> Money {
        (calculator ?? self.calculator).penalty(
            debt: debt ?? self.debt, dueDate: Self.day(due),
            payments: [.init(day: Self.day(on), amount: debt ?? self.debt)], asOf: Self.day(on))
    }

    /// The shipped rows with `extra` added.
    func rules(adding extra: [RateRow]) -> PenaltyRules { PenaltyRules(rows: Schema.shippedRates + extra) }

    @Test("A: October 2025, due 10.11.2025, paid 20.02.2026: 95.00 + 43.85")
    func exampleA() {
        #expect(paid("2025-11-10", "2026-02-20") == Money(kopecks: 13_885))
        // The payment day not counted (a row from 2016 replacing the shipped one): 11 days at 1/130.
        let without = rules(adding: [RateRow(kind: .paymentDay, from: Self.day("2016-01-02"), value: 0, basis: "test")])
        #expect(paid("2025-11-10", "2026-02-20", PenaltyCalculator(rules: without)) == Money(kopecks: 13_519))
    }

    @Test("B: March 2026, due 15.04.2026 (a Wednesday) under 177-FZ, paid 30.07.2026: 153.46")
    func exampleB() {
        #expect(Self.shipped.calendar.dueDate(for: BillingPeriod("2026-03")!) == Self.day("2026-04-15"))
        #expect(paid("2026-04-15", "2026-07-30") == Money(kopecks: 15_346))
    }

    @Test(
        "a service due on a day of its own (the 20th, moved off a weekend) and a principal's own days of grace move the penalty's start"
    )
    func aDueDayAndGraceDaysOfItsOwn() {
        let march = BillingPeriod("2026-03")!
        // The rates' calendar: 15.04.2026. A due day of its own, the 20th: 20.04.2026, a Monday.
        let own = PenaltyCalculator(rules: Self.shipped, dueDay: 20)
        #expect(own.dueDate(for: march) == Self.day("2026-04-20"))
        // 20.06.2026 is a Saturday: moved to Monday 22.06.2026.
        #expect(own.dueDate(for: BillingPeriod("2026-05")!) == Self.day("2026-06-22"))
        // Paid 30.07.2026: due 20.04, day 31 = 21.05, day 90 = 19.07 (60 days at 1/300 = 95.00), day
        // 91 = 20.07 to 30.07, 11 days at 1/130 = 40.19; 135.19 (153.46 when due on the 15th).
        #expect(paid("2026-04-20", "2026-07-30", own) == Money(kopecks: 13_519))
        // Days of grace of its own, none: from the day after the due date, 15.04: day 1 = 16.04 to
        // day 90 = 14.07 at 1/300 (90 x 1.583333 = 142.50), day 91 = 15.07 to 30.07 (16 x 3.653846 = 58.46).
        let noGrace = PenaltyCalculator(rules: Self.shipped, graceDays: 0)
        #expect(paid("2026-04-15", "2026-07-30", noGrace) == Money(kopecks: 20_096))
    }

    @Test("the 15th from the February 2026 period, moved off a Sunday: due 16.03.2026, paid 30.06.2026: 153.46")
    func februaryMovedOffSunday() {
        let calendar = Self.shipped.calendar
        #expect(calendar.dueDate(for: BillingPeriod("2026-01")!) == Self.day("2026-02-10"))
        // 15.03.2026 is a Sunday: the next working day (ГК ст. 193).
        #expect(calendar.nominalDueDate(for: BillingPeriod("2026-02")!) == Self.day("2026-03-15"))
        #expect(calendar.dueDate(for: BillingPeriod("2026-02")!) == Self.day("2026-03-16"))
        // By hand: day 31 = 16.04, day 90 = 14.06 (60 days x 5000 x 9.5 % / 300 = 95.00); day 91 =
        // 15.06 to 30.06 inclusive, 16 days x 5000 x 9.5 % / 130 = 58.4615; 153.4615.
        #expect(paid("2026-03-16", "2026-06-30") == Money(kopecks: 15_346))
        // Had it stayed on the 15th, one more day at 1/130: 60 x 1.583333 + 17 x 3.653846 = 157.12.
        #expect(paid("2026-03-15", "2026-06-30") == Money(kopecks: 15_712))
    }

    @Test("due dates on weekends and holidays move to the next working day")
    func dueDates() {
        let calendar = Self.shipped.calendar
        let expected = [
            "2025-04": "2025-05-12",  // 10.05.2025 a Saturday; 11.05 a Sunday
            "2025-10": "2025-11-10",  // a Monday
            "2025-12": "2026-01-12",  // 10.01.2026 a Saturday
            "2026-10": "2026-11-16",  // 15.11.2026 a Sunday
            "2026-11": "2026-12-15",  // a Tuesday
            "2026-12": "2027-01-15",  // a Friday
        ]
        for (period, due) in expected {
            #expect(calendar.dueDate(for: BillingPeriod(period)!) == Self.day(due), "\(period)")
        }
    }

    @Test("C and D: paid on day 30 owes nothing, on day 45 owes 15 days at 1/300")
    func examplesCD() {
        #expect(paid("2025-11-10", "2025-12-10") == .zero)
        #expect(paid("2025-11-10", "2025-12-25") == Money(kopecks: 2_375))
    }

    @Test("E: capital repair, 1 200.00 due 10.11.2025, paid 20.02.2026: 72 days at 1/300, 27.36")
    func exampleE() {
        let capital = PenaltyCalculator(rules: Self.shipped, scale: .capitalRepair)
        #expect(paid("2025-11-10", "2026-02-20", capital, debt: Money(kopecks: 120_000)) == Money(kopecks: 2_736))
    }

    @Test("the rate is the key rate when it is under the cap, and the cap's end is data")
    func rates() {
        #expect(Self.shipped.rate(on: Self.day("2026-06-01")) == 950)
        // After the cap (31.12.2026) the key rate of 27.07.2026, 14 %.
        #expect(Self.shipped.rate(on: Self.day("2027-01-10")) == 1_400)
        let low = rules(adding: [RateRow(kind: .keyRate, from: Self.day("2026-05-01"), value: 800, basis: "test")])
        #expect(low.rate(on: Self.day("2026-06-01")) == 800)
    }

    @Test("a debt paid in 2027: the days through 31.12.2026 capped, the later days at the payment day's key rate")
    func afterTheCap() {
        // Due 16.11.2026 (October 2026), paid 01.02.2027, key rate that day 14 %. Day 31 = 17.12.2026;
        // days 31-45 (17.12-31.12.2026) at 9.5 %: 15 x 5000 x 0.095 / 300 = 23.75; days 46-77
        // (01.01-01.02.2027) at 14 %: 32 x 5000 x 0.14 / 300 = 74.6667; 98.4167.
        #expect(paid("2026-11-16", "2027-02-01") == Money(kopecks: 9_842))
        // The other reading, a setting: the whole delay at 14 %: 47 x 5000 x 0.14 / 300 = 109.6667.
        let whole = rules(adding: [RateRow(kind: .afterCap, from: Self.day("2027-01-02"), value: 1, basis: "test")])
        #expect(paid("2026-11-16", "2027-02-01", PenaltyCalculator(rules: whole)) == Money(kopecks: 10_967))
        // Paid within the cap's window, every day at the capped rate: 15 days, 23.75.
        #expect(paid("2026-11-16", "2026-12-31") == Money(kopecks: 2_375))
    }

    @Test("moratorium days accrue nothing")
    func moratorium() {
        // Due 10.03.2020; day 31 is 10.04.2020, inside the 2020 moratorium (06.04-31.12.2020).
        let calculator = PenaltyCalculator(
            rules: PenaltyRules(
                rows: [RateRow(kind: .keyRate, from: Self.day("2020-01-01"), value: 600, basis: "test")]
                    + Schema.shippedRates.filter { $0.kind == .moratorium }))
        #expect(paid("2020-03-10", "2020-12-31", calculator) == .zero)
        // Paid 10.01.2021: only 10 days after the moratorium count, all at 1/130 (day > 90).
        let after = calculator.penalty(
            debt: debt, dueDate: Self.day("2020-03-10"), payments: [.init(day: Self.day("2021-01-10"), amount: debt)],
            asOf: Self.day("2021-01-10"))
        #expect(after == Money.rounded(numerator: 500_000 * 600 * 10, denominator: 10_000 * 130))
    }

    @Test("days of grace are dated rows")
    func graceDays() {
        // 15 days of grace for debts falling due from 2025: day 16 to day 45 at 1/300, 30 days, 47.50.
        let short = rules(adding: [RateRow(kind: .graceDays, from: Self.day("2025-01-01"), value: 15, basis: "test")])
        #expect(paid("2025-11-10", "2025-12-25", PenaltyCalculator(rules: short)) == Money(kopecks: 4_750))
        #expect(paid("2024-11-11", "2024-12-26", PenaltyCalculator(rules: short)) == Money(kopecks: 2_375))
    }

    @Test("a part payment stops the penalty on that part from its day, the rest runs to the valuation day")
    func partPayment() {
        let half = Money(kopecks: 250_000)
        let split = calculator.penalty(
            debt: debt, dueDate: Self.day("2025-11-10"), payments: [.init(day: Self.day("2025-12-25"), amount: half)],
            asOf: Self.day("2026-02-20"))
        let first = paid("2025-11-10", "2025-12-25", debt: half)
        let second = paid("2025-11-10", "2026-02-20", debt: half)
        // Each part rounded alone may differ by a kopeck from the slice rounded once.
        #expect(abs(split.kopecks - (first + second).kopecks) <= 1)
        #expect(split < paid("2025-11-10", "2026-02-20"))
    }
}
