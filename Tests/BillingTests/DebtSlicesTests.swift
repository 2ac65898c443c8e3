import Core
import Storage
import Testing

@testable import Billing

@Suite("Debt by the period it falls due, with the payments that paid it")
struct DebtSlicesTests {
    let july = BillingPeriod("2026-07")!
    let august = BillingPeriod("2026-08")!
    let october = BillingPeriod("2026-10")!

    func day(_ iso: String) -> CalendarDate { CalendarDate(iso: iso)! }

    func charge(_ period: BillingPeriod, _ kopecks: Int64) -> JournalEntry {
        JournalEntry(kind: .charge, period: period, amount: Money(kopecks: kopecks), day: period.firstDay)
    }

    func payment(_ iso: String, _ kopecks: Int64, for period: BillingPeriod? = nil, note: String? = nil) -> JournalEntry
    {
        JournalEntry(
            kind: .payment, period: october, amount: Money(kopecks: -kopecks), day: day(iso), forPeriod: period,
            note: note)
    }

    @Test("a reversed payment is as if never paid: the same slices, payments and penalty")
    func aReversalCancelsThePayment() {
        let charges = [charge(july, 1_000_000), charge(august, 20_000)]
        let paid = payment("2026-09-01", 600_000, for: july, note: "debt")
        var reversal = paid
        reversal.amount = -paid.amount
        reversal.period = BillingPeriod("2026-11")!
        let never = DebtSlices(charges)
        let reversed = DebtSlices(charges + [paid, reversal])
        #expect(reversed == never)
        let calculator = PenaltyCalculator(rules: PenaltyRules(rows: Schema.shippedRates))
        #expect(
            reversed.accruedPenalty(before: october, asOf: day("2026-12-01"), calculator: calculator)
                == never.accruedPenalty(before: october, asOf: day("2026-12-01"), calculator: calculator))
        // Without the reversal the payment stops most of the penalty.
        #expect(DebtSlices(charges + [paid]).slices[0].outstanding == Money(kopecks: 400_000))
    }

    @Test("a refund takes back part of the advance, and never makes a debt the advance covered")
    func aRefundTakesFromTheAdvance() {
        let overpaid = [charge(july, 10_000), payment("2026-08-01", 25_000)]
        #expect(DebtSlices(overpaid).advance == Money(kopecks: 15_000))
        let refund = JournalEntry(
            kind: .payment, period: BillingPeriod("2026-11")!, amount: Money(kopecks: 6_000), day: day("2026-11-25"),
            note: "refund")
        let after = DebtSlices(overpaid + [refund])
        #expect(after.advance == Money(kopecks: 9_000))
        #expect(after.balance == Money(kopecks: -9_000))
        #expect(after.slices.allSatisfy { $0.outstanding == .zero })
    }

    @Test(
        "after a change of owner: a payment pays the new owner's periods first, a period's debt is split by the days each owned it, capital repair's passes to the new owner"
    )
    func aChangeOfOwnerSplitsTheDebt() {
        // Ivanov owned the premises to 11.10.2026, Petrov from 12.10.2026.
        let owners = OwnerHistory(first: "Иванов", changes: [.init(since: day("2026-10-12"), name: "Петров")])
        #expect(owners.owner(on: day("2026-10-11")) == "Иванов" && owners.owner(on: day("2026-10-12")) == "Петров")
        #expect(owners.days(in: october) == [11, 20])
        #expect(owners.days(in: august) == [31, 0])
        #expect(owners.spans.map(\.until) == [day("2026-10-11"), nil])
        let entries = [
            charge(august, 40_000), charge(october, 31_000), payment("2026-09-20", 10_000),
            payment("2026-10-20", 20_000),
        ]
        // Without owners the 20.10 payment would pay August; Petrov's pays his October first.
        #expect(DebtSlices(entries).slices.map(\.outstanding.kopecks) == [10_000, 31_000])
        let slices = DebtSlices(entries, owners: owners)
        #expect(slices.slices.map(\.outstanding.kopecks) == [30_000, 11_000])
        let calendar = LegalCalendar(rows: Schema.shippedRates)
        let asOf = day("2026-11-30")
        let shares = OwnerShare.split(
            entries, owners: owners, passesToNewOwner: false, asOf: asOf, calendar: calendar)
        // August is Ivanov's; October's 11 000 left split 11:20 days (3 903,23 : 7 096,77 by largest remainder).
        #expect(shares.map(\.aging.total.kopecks) == [30_000 + 3_903, 7_097])
        #expect(shares.map(\.oldest) == [august, october])
        #expect(shares.reduce(0) { $0 + $1.aging.total.kopecks } == 41_000)
        let fund = OwnerShare.split(entries, owners: owners, passesToNewOwner: true, asOf: asOf, calendar: calendar)
        #expect(fund.map(\.aging.total.kopecks) == [0, 41_000])
        #expect(fund[1].oldest == august)
    }

    @Test func paymentsPayTheNamedPeriodThenTheOldest() {
        let slices = DebtSlices([
            charge(july, 10_000), charge(august, 20_000),
            payment("2026-10-05", 5_000, for: august, note: "debt"), payment("2026-10-06", 12_000),
        ])
        #expect(slices.slices.map(\.outstanding) == [Money.zero, Money(kopecks: 13_000)])
        #expect(
            slices.slices[1].payments == [
                .init(day: day("2026-10-05"), amount: Money(kopecks: 5_000)),
                .init(day: day("2026-10-06"), amount: Money(kopecks: 2_000)),
            ])
        #expect(slices.slices[0].payments == [.init(day: day("2026-10-06"), amount: Money(kopecks: 10_000))])
        #expect(slices.balance == Money(kopecks: 13_000))
    }

    @Test func overpaymentIsAnAdvanceAndPenaltiesArePaidSeparately() {
        let penalty = JournalEntry(kind: .penalty, period: october, amount: Money(kopecks: 700), day: october.firstDay)
        let slices = DebtSlices([
            charge(july, 1_000), penalty, payment("2026-10-05", 500, note: "penalty"), payment("2026-10-06", 1_600),
        ])
        #expect(slices.penaltiesOutstanding == Money(kopecks: 200))
        #expect(slices.advance == Money(kopecks: 600))
        #expect(slices.balance == Money(kopecks: -400))
    }

    @Test func anOpeningBalanceDatesFromThePeriodItNames() {
        let opening = JournalEntry(
            kind: .opening, period: october, amount: Money(kopecks: 50_000), day: october.firstDay, forPeriod: july)
        let slices = DebtSlices([opening, charge(october, 1_000)])
        #expect(slices.slices.map(\.origin) == [july, october])
        // July falls due on 15 August, a Saturday, so on Monday 17 August: on 1 November that is
        // 76 days overdue.
        let calendar = PenaltyRules(rows: Schema.shippedRates).calendar
        #expect(calendar.dueDate(for: july) == day("2026-08-17"))
        let aging = slices.aging(asOf: day("2026-11-01"), calendar: calendar)
        #expect(aging.upTo90 == Money(kopecks: 50_000))
        #expect(aging.notDue == Money(kopecks: 1_000))
        #expect(aging.total == slices.balance)
    }

    @Test(arguments: [
        (0, "notDue"), (1, "upTo30"), (30, "upTo30"), (31, "upTo90"), (90, "upTo90"), (91, "upTo180"), (181, "over180"),
    ])
    func agingBuckets(days: Int, bucket: String) {
        var aging = Aging()
        aging.add(Money(kopecks: 1), daysOverdue: days)
        let buckets = [
            "notDue": aging.notDue, "upTo30": aging.upTo30, "upTo90": aging.upTo90, "upTo180": aging.upTo180,
            "over180": aging.over180,
        ]
        #expect(buckets.filter { $0.value.kopecks == 1 }.map(\.key) == [bucket])
    }

    @Test func thePenaltyOfASliceStopsAtEachPartPaid() {
        // 10 000 due on 15 August 2026 (the July bill), a Saturday, so on Monday 17 August; paid in
        // full on 16 November (day 91).
        let slices = DebtSlices([charge(july, 1_000_000), payment("2026-11-16", 1_000_000, for: july, note: "debt")])
        let calculator = PenaltyCalculator(rules: PenaltyRules(rows: Schema.shippedRates))
        let paid = slices.accruedPenalty(before: october, asOf: day("2026-12-01"), calculator: calculator)
        let unpaid = DebtSlices([charge(july, 1_000_000)]).accruedPenalty(
            before: october, asOf: day("2026-12-01"), calculator: calculator)
        // Days 31-90 at 1/300 and day 91 at 1/130 of 9.5 %: 10 000 x 0.095 x (60/300 + 1/130) = 197.31 руб.
        #expect(paid == Money(kopecks: 19_731))
        #expect(unpaid > paid)
    }
}
