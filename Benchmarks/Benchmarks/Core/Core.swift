import Benchmark
import Core

let benchmarks: @Sendable () -> Void = {
    Benchmark("Money.split of one payment across 15 services", configuration: .init(scalingFactor: .kilo)) {
        benchmark in
        let weights: [Int64] = (1...15).map { Int64($0 * 12_345) }
        for index in benchmark.scaledIterations {
            blackHole(Money(kopecks: Int64(1_000_000 + index)).split(proportionalTo: weights))
        }
    }

    Benchmark("PaymentQR payload of a ЕПД (UTF-8)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let fields: [PaymentQR.Field] = [
            .init("Name", "АО «ЕРЦ Челябинской области»"), .init("PersonalAcc", "40702810672000000001"),
            .init("BankName", "ПАО СБЕРБАНК"), .init("BIC", "047501602"), .init("CorrespAcc", "30101810700000000602"),
            .init("Sum", "958625"), .init("PersAcc", "0100000001"), .init("PaymPeriod", "102026"),
        ]
        for _ in benchmark.scaledIterations {
            blackHole(try PaymentQR(fields: fields).encoded())
        }
    }
}
