import Billing
import Core
import Testing

@Suite("Allocating a payment between principals and services")
struct PaymentAllocatorTests {
    typealias Slice = PaymentAllocator.Slice
    static let september = BillingPeriod("2026-09")!
    static let october = BillingPeriod("2026-10")!
    let slices: [Slice] = [
        Slice(principalINN: "A", serviceCode: "CW", period: october, due: Money(kopecks: 60_000)),
        Slice(principalINN: "B", serviceCode: "HEAT", period: october, due: Money(kopecks: 30_000)),
        Slice(principalINN: "A", serviceCode: "CW", period: september, due: Money(kopecks: 10_000)),
        Slice(principalINN: "A", serviceCode: "CW", period: september, due: Money(kopecks: 555), isPenalty: true),
    ]

    func sum(_ allocations: [PaymentAllocator.Allocation]) -> Int64 { allocations.reduce(0) { $0 + $1.amount.kopecks } }

    @Test func oldestDebtFirstThenProRataThenPenaltiesLast() {
        let result = PaymentAllocator().allocate(Money(kopecks: 55_000), slices: slices, advanceTo: Self.october)
        #expect(sum(result) == 55_000)
        #expect(result[0].period == Self.september && result[0].amount.kopecks == 10_000)
        // 45 000 over October's 60 000 : 30 000 -> 30 000 and 15 000.
        #expect(result.dropFirst().map(\.amount.kopecks) == [30_000, 15_000])
        #expect(!result.contains { $0.kind == .penalty })
    }

    @Test func thePeriodNamedComesFirst() {
        let result = PaymentAllocator().allocate(
            Money(kopecks: 9_000), slices: slices, designation: .init(period: Self.october), advanceTo: Self.october)
        #expect(result.allSatisfy { $0.period == Self.october })
        #expect(result.map(\.amount.kopecks) == [6_000, 3_000])
    }

    @Test func aPrincipalsOwnQRCodePaysOnlyThatPrincipal() {
        let result = PaymentAllocator().allocate(
            Money(kopecks: 100_000), slices: slices, designation: .init(principalINN: "B"), advanceTo: Self.october)
        #expect(result.allSatisfy { $0.principalINN == "B" })
        #expect(result.map(\.kind) == [.debt, .advance])
        #expect(result.map(\.amount.kopecks) == [30_000, 70_000])
    }

    @Test func overpaymentBecomesAnAdvanceSpreadLikeTheCharges() {
        let result = PaymentAllocator().allocate(
            Money(kopecks: 110_555), slices: slices, advanceTo: Self.october,
            advanceWeights: Array(slices.prefix(2)))
        #expect(sum(result) == 110_555)
        #expect(result.filter { $0.kind == .penalty }.map(\.amount.kopecks) == [555])
        #expect(result.filter { $0.kind == .advance }.map(\.amount.kopecks) == [6_667, 3_333])
    }

    @Test("the parts always add up to the payment", arguments: 1...300)
    func partsAddUp(_ seed: Int) {
        var random = SeededRandom(seed: UInt64(seed))
        let periods = [BillingPeriod("2026-07")!, Self.september, Self.october]
        let slices = (0..<random.int(0...12)).map { _ in
            Slice(
                principalINN: random.pick(["A", "B", "C"]), serviceCode: random.pick(["S1", "S2"]),
                period: random.pick(periods), due: Money(kopecks: Int64(random.int(0...500_000))),
                isPenalty: random.int(0...4) == 0)
        }
        let payment = Money(kopecks: Int64(random.int(1...2_000_000)))
        let result = PaymentAllocator().allocate(payment, slices: slices, advanceTo: Self.october)
        #expect(sum(result) == payment.kopecks)
        #expect(result.allSatisfy { $0.amount.kopecks > 0 })
        // No slice gets more than it is owed; debt is paid before any penalty.
        for slice in slices where slice.due.kopecks > 0 {
            let got = result.filter {
                $0.kind != .advance && $0.principalINN == slice.principalINN && $0.serviceCode == slice.serviceCode
                    && $0.period == slice.period && ($0.kind == .penalty) == slice.isPenalty
            }.reduce(0) { $0 + $1.amount.kopecks }
            let owed = slices.filter {
                $0.principalINN == slice.principalINN && $0.serviceCode == slice.serviceCode
                    && $0.period == slice.period
                    && $0.isPenalty == slice.isPenalty
            }.reduce(0) { $0 + $1.due.kopecks }
            #expect(got <= owed)
        }
        let debt = slices.filter { !$0.isPenalty }.reduce(0) { $0 + $1.due.kopecks }
        if result.contains(where: { $0.kind == .penalty }) {
            #expect(sum(result.filter { $0.kind == .debt }) == debt)
        }
    }
}
