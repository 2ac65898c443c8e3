import Benchmark
import Core
import Foundation
import Receipts

/// One ЕПД of 7 principals and 10 lines with its QR code, rendered to a PDF file: the unit of
/// `erc receipts render`. Compare with ../shared/perf/epd_ref.c (`./epd_ref N 1 1 OUTDIR`).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(5)

    Benchmark(
        "render one ЕПД to a file", configuration: .init(metrics: [.wallClock, .throughput, .peakMemoryResident])
    ) { benchmark in
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("erc-bench-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let document = sampleDocument()
        let renderer = EPDRenderer()
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            blackHole(try renderer.render(document, to: "\(folder)/\(index % 16).pdf"))
        }
        benchmark.stopMeasurement()
        try? FileManager.default.removeItem(atPath: folder)
    }
}

func sampleDocument() -> EPDDocument {
    let services = [
        ("Холодное водоснабжение", "м³", 11_420, 4_289), ("Водоотведение", "м³", 16_472, 3_184),
        ("Отопление", "Гкал", 1_040, 248_900), ("Горячее водоснабжение", "м³", 6_208, 22_341),
        ("Электроснабжение", "кВт·ч", 308_000, 528), ("Обращение с ТКО", "чел.", 4_000, 10_650),
        ("Взнос на капитальный ремонт", "м²", 59_100, 1_345),
        ("Содержание и ремонт жилого помещения", "м²", 59_100, 2_850),
        ("Домофон", "шт.", 1_000, 6_500), ("Коллективная антенна", "шт.", 1_000, 12_000),
    ]
    var blocks: [EPDDocument.PrincipalBlock] = []
    for (index, service) in services.enumerated() {
        let line = EPDDocument.Line(
            serviceName: service.0, unit: service.1, volumeMilli: Int64(service.2),
            tariff: Money(kopecks: Int64(service.3)),
            amount: Money.charge(volumeMilli: Int64(service.2), tariff: Money(kopecks: Int64(service.3))))
        if index % 3 == 1, !blocks.isEmpty {
            blocks[blocks.count - 1].lines.append(line)
        } else {
            blocks.append(
                EPDDocument.PrincipalBlock(
                    name: "ООО «Поставщик \(index + 1)»", inn: "7453007776", kpp: "745301001", bankName: "ПАО СБЕРБАНК",
                    bic: "047501602", account: "40702810100000000777", phone: "+7 (351) 211-00-00", lines: [line]))
        }
    }
    return EPDDocument(
        period: BillingPeriod("2026-10")!, account: try! PersonalAccountNumber("0100000001"),
        ownerName: "Степанова Юлия Алексеевна", address: "454080, г. Челябинск, ул. Худякова, д. 135, кв. 1",
        postalCode: "454080", street: "ул. Худякова", houseNumber: "135", entrance: 1, apartment: "1", areaCenti: 5_910,
        residents: 4, center: .demo, principals: blocks)
}
