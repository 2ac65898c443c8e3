import Billing
import Core
import Testing

/// The worked examples of DOMAIN.md section 3.4 (debt 5 000.00, rate 9.5 %).
@Suite("Penalties, Housing Code art. 155 p. 14")
struct PenaltyCalculatorTests {
    static func day(_ iso: String) -> CalendarDate { CalendarDate(iso: iso)! }
    let calculator = PenaltyCalculator()
    let debt = Money(kopecks: 500_000)

    func paid(_ due: String, _ on: String, _ calculator: PenaltyCalculator? = nil, debt: Money? = nil) -> Money {
        (calculator ?? self.calculator).penalty(
            debt: debt ?? self.debt, dueDate: Self.day(due),
            payments: [.init(day: Self.day(on), amount: debt ?? self.debt)], asOf: Self.day(on))
    }

    @Test("A: October 2025, due 10.11.2025, paid 20.02.2026: 95.00 + 43.85")
    func exampleA() {
        #expect(paid("2025-11-10", "2026-02-20") == Money(kopecks: 13_885))
        var rules = PenaltyRules.current
        rules.countPaymentDay = false
        #expect(paid("2025-11-10", "2026-02-20", PenaltyCalculator(rules: rules)) == Money(kopecks: 13_519))
    }

    @Test("B: March 2026, due 15.04.2026 under 177-FZ, paid 30.07.2026: 153.46")
    func exampleB() {
        #expect(BillingPeriod("2026-03")!.dueDate == Self.day("2026-04-15"))
        #expect(paid("2026-04-15", "2026-07-30") == Money(kopecks: 15_346))
    }

    @Test("C and D: paid on day 30 owes nothing, on day 45 owes 15 days at 1/300")
    func examplesCD() {
        #expect(paid("2025-11-10", "2025-12-10") == .zero)
        #expect(paid("2025-11-10", "2025-12-25") == Money(kopecks: 2_375))
    }

    @Test("E: capital repair, 1 200.00 due 10.11.2025, paid 20.02.2026: 72 days at 1/300, 27.36")
    func exampleE() {
        let capital = PenaltyCalculator(scale: .capitalRepair)
        #expect(paid("2025-11-10", "2026-02-20", capital, debt: Money(kopecks: 120_000)) == Money(kopecks: 2_736))
    }

    @Test("the rate is the key rate when it is under the cap, and the cap's end is data")
    func rates() {
        #expect(PenaltyRules.current.rate(on: Self.day("2026-06-01")) == 950)
        #expect(PenaltyRules.current.rate(on: Self.day("2027-01-10")) == 1_650)
        var low = PenaltyRules.current
        low.keyRates.append(.init(from: Self.day("2026-05-01"), basisPoints: 800))
        #expect(low.rate(on: Self.day("2026-06-01")) == 800)
    }

    @Test("moratorium days accrue nothing")
    func moratorium() {
        // Due 10.03.2020; day 31 is 10.04.2020, inside the 2020 moratorium (06.04-31.12.2020).
        let calculator = PenaltyCalculator(
            rules: PenaltyRules(
                keyRates: [.init(from: Self.day("2020-01-01"), basisPoints: 600)], caps: [],
                moratoria: PenaltyRules.current.moratoria))
        #expect(paid("2020-03-10", "2020-12-31", calculator) == .zero)
        // Paid 10.01.2021: only 10 days after the moratorium count, all at 1/130 (day > 90).
        let after = calculator.penalty(
            debt: debt, dueDate: Self.day("2020-03-10"), payments: [.init(day: Self.day("2021-01-10"), amount: debt)],
            asOf: Self.day("2021-01-10"))
        #expect(after == Money.rounded(numerator: 500_000 * 600 * 10, denominator: 10_000 * 130))
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
