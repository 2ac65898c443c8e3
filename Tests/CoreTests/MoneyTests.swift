import Core
import Testing

@Suite("Money in kopecks")
struct MoneyTests {
    @Test(
        arguments: [
            ("1234.56", 123_456), ("1 234,56", 123_456), ("1\u{00A0}234,5", 123_450), ("-15,05", -1_505),
            ("0.01", 1), ("1234", 123_400), (",5", 50), ("+7", 700), ("999 999 999,99", 99_999_999_999),
        ] as [(String, Int64)])
    func parses(_ text: String, _ kopecks: Int64) {
        #expect(Money(parsing: text) == Money(kopecks: kopecks))
    }

    @Test(arguments: ["", "-", "1.234", "1,2,3", "1.2.3", "1e5", "12a", "1.", "руб", "--1", "0x10"])
    func refuses(_ text: String) {
        #expect(Money(parsing: text) == nil)
    }

    @Test func formatsRussianStyle() {
        #expect(Money(kopecks: 123_456).formatted() == "1 234,56")
        #expect(Money(kopecks: -100_000_005).formatted() == "-1 000 000,05")
        #expect(Money(kopecks: 7).formatted() == "0,07")
        #expect(Money(kopecks: 123_456_789).decimalString == "1234567.89")
    }

    @Test(
        arguments: [
            (5, 10, 1), (4, 10, 0), (-5, 10, -1), (-4, 10, 0), (15, 10, 2), (-15, 10, -2), (1, 3, 0), (2, 3, 1),
        ] as [(Int64, Int64, Int64)])
    func roundsHalfAwayFromZero(_ numerator: Int64, _ denominator: Int64, _ expected: Int64) {
        #expect(Money.rounded(numerator: numerator, denominator: denominator).kopecks == expected)
    }

    @Test func chargeIsVolumeTimesTariffRoundedOnce() {
        // 11.420 m³ x 42.89 = 489.8038 -> 489.80; 16.472 x 31.84 = 524.46848 -> 524.47
        #expect(Money.charge(volumeMilli: 11_420, tariff: Money(kopecks: 4_289)).kopecks == 48_980)
        #expect(Money.charge(volumeMilli: 16_472, tariff: Money(kopecks: 3_184)).kopecks == 52_447)
        // exactly half a kopeck rounds away from zero: 0.5 x 0.01
        #expect(Money.charge(volumeMilli: 500, tariff: Money(kopecks: 1)).kopecks == 1)
    }

    @Test func splitNamesTheLargestRemainders() {
        #expect(Money(kopecks: 100).split(proportionalTo: [1, 1, 1]).map(\.kopecks) == [34, 33, 33])
        #expect(Money(kopecks: 1_000).split(proportionalTo: [0, 3, 7]).map(\.kopecks) == [0, 300, 700])
        #expect(Money(kopecks: -100).split(proportionalTo: [1, 2]).map(\.kopecks) == [-33, -67])
        #expect(Money(kopecks: 5).split(proportionalTo: [0, 0]).map(\.kopecks) == [5, 0])
    }

    @Test("split parts always add up to the amount", arguments: 1...200)
    func splitAddsUp(_ seed: Int) {
        var random = SeededRandom(seed: UInt64(seed))
        let amount = Int64.random(in: -10_000_000...10_000_000, using: &random)
        let weights = (0..<Int.random(in: 1...15, using: &random)).map { _ in
            Int64.random(in: 0...5_000_000, using: &random)
        }
        let parts = Money(kopecks: amount).split(proportionalTo: weights)
        #expect(parts.count == weights.count)
        #expect(parts.reduce(Money.zero, +).kopecks == amount)
        let total = weights.reduce(0, +)
        if total > 0 {
            for (part, weight) in zip(parts, weights) {
                // each part is within one kopeck of its exact share
                let exact = Double(amount) * Double(weight) / Double(total)
                #expect(abs(Double(part.kopecks) - exact) < 1.0 + 1e-6)
            }
        }
    }
}
