import Core
import Testing

@testable import Billing

@Suite("A premises' share of its house's common-property volume")
struct CommonPropertyShareTests {
    @Test("equal parts add up to the whole, the remainder a unit at a time to the first parts")
    func parts() {
        for total in [Int64(20_000), 28_000, -10_000, -14_000, 7, -5, 0] {
            for count in [1, 5, 11, 12] {
                let parts = (0..<count).map { CommonPropertyShare.part(total, index: $0, of: count) }
                #expect(parts.reduce(0, +) == total)
                #expect((parts.max() ?? 0) - (parts.min() ?? 0) <= 1)
                #expect(parts == parts.sorted(by: total >= 0 ? (>) : (<)))
            }
        }
        // 200.00 in twelve: 16.67 eight times, then 16.66.
        #expect(
            (0..<12).map { CommonPropertyShare.part(20_000, index: $0, of: 12) } == Array(repeating: 1_667, count: 8)
                + Array(repeating: 1_666, count: 4))
        #expect(CommonPropertyShare.part(100, index: 12, of: 12) == 0)
    }

    @Test("the norm's volume: N × S_ои × S_i / S_об, rounded once to thousandths")
    func normVolume() {
        let house = CommonProperty(
            commonAreaCenti: 3_000, premisesAreaCenti: 12_000, management: .organisation, normsMicro: [:])
        // 0.05 × 30 × 50 / 120 = 0.625; 0.031 × 412.7 × 54.3 / 5 418.6 = 0.128203… -> 0.128.
        #expect(CommonPropertyShare.normVolume(normMicro: 50_000, house: house, areaCenti: 5_000) == 625)
        let big = CommonProperty(
            commonAreaCenti: 41_270, premisesAreaCenti: 541_860, management: .direct, normsMicro: [:])
        #expect(CommonPropertyShare.normVolume(normMicro: 31_000, house: big, areaCenti: 5_430) == 128)
        // A house volume shared by area: 5 m³ × 50 / 120 = 2.0833 -> 2.083; × 70 / 120 -> 2.917.
        #expect(CommonPropertyShare.share(5_000, areaCenti: 5_000, of: 12_000) == 2_083)
        #expect(CommonPropertyShare.share(5_000, areaCenti: 7_000, of: 12_000) == 2_917)
    }
}
