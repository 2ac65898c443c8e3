import Core
import ERCTestSupport
import Foundation
import Receipts
import Testing

@Suite("ЕПД PDF with a payment QR code, checked with poppler and zbar")
struct EPDRendererTests {
    static func document(principals: Int = 3, linesEach: Int = 2, longNames: Bool = false) -> EPDDocument {
        var blocks: [EPDDocument.PrincipalBlock] = []
        for index in 0..<principals {
            let longName =
                "Общество с ограниченной ответственностью «Управляющая компания жилищно-коммунального хозяйства № "
                + "\(index + 1) Калининского района города Челябинска»"
            var lines: [EPDDocument.Line] = []
            for line in 0..<linesEach {
                let amount = Money(kopecks: Int64(48_980 + index * 1_000 + line))
                lines.append(
                    EPDDocument.Line(
                        serviceName: "Услуга \(index + 1).\(line + 1) Холодное водоснабжение", unit: "м³",
                        volumeMilli: Int64(11_420 + line), tariff: Money(kopecks: 4_289), amount: amount))
            }
            blocks.append(
                EPDDocument.PrincipalBlock(
                    name: longNames ? longName : "ООО «Поставщик \(index + 1)»", inn: "7453007776", kpp: "745301001",
                    bankName: "ПАО СБЕРБАНК", bic: "047501602", account: "40702810100000000777",
                    phone: "+7 (351) 211-00-00", lines: lines))
        }
        return EPDDocument(
            period: BillingPeriod("2026-10")!, account: try! PersonalAccountNumber("7400000001"),
            ownerName: "Иванов Иван Иванович", address: "454091, г. Челябинск, ул. Кирова, д. 10, кв. 1",
            postalCode: "454091", street: "ул. Кирова", houseNumber: "10", entrance: 1, apartment: "1",
            areaCenti: 5_430, residents: 3, center: .demo, principals: blocks)
    }

    func text(of pdf: String) throws -> String {
        try ProcessRunner.run("pdftotext", ["-layout", pdf, "-"]).stdout
    }

    func qrPayloads(of pdf: String, in folder: TemporaryDirectory) throws -> [PaymentQR] {
        let prefix = folder.file("page")
        let render = try ProcessRunner.run("pdftoppm", ["-r", "300", "-png", "-f", "1", "-l", "1", pdf, prefix])
        #expect(render.status == 0)
        let image = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .first { $0.hasPrefix("page") && $0.hasSuffix(".png") }
        let scan = try ProcessRunner.run("zbarimg", ["--raw", "-q", "-Sbinary", folder.file(try #require(image))])
        #expect(scan.status == 0, "zbarimg found no code: \(scan.stderr)")
        // --raw ends each symbol with a newline; payloads themselves have none.
        return try scan.stdoutData.split(separator: 0x0A).map { try PaymentQR(parsing: Array($0)) }
    }

    @Test(arguments: [PaymentQR.Charset.utf8, .cp1251])
    func rendersTextAndADecodableQRCode(_ charset: PaymentQR.Charset) throws {
        let folder = try TemporaryDirectory("erc-epd")
        let epd = Self.document()
        let pdf = folder.file("epd.pdf")
        let pages = try EPDRenderer(charset: charset).render(epd, to: pdf)
        #expect(pages == 1)
        let text = try text(of: pdf)
        #expect(text.contains("7400000001"))
        #expect(text.contains("октябрь 2026"))
        #expect(text.contains("ЕДИНЫЙ ПЛАТЁЖНЫЙ ДОКУМЕНТ"))
        #expect(text.contains(epd.total.formatted()))
        for line in epd.principals.flatMap(\.lines) {
            #expect(text.contains(line.amount.formatted()))
        }
        let codes = try qrPayloads(of: pdf, in: folder)
        #expect(codes.count == 1)
        let qr = try #require(codes.first)
        #expect(qr.charset == charset)
        #expect(qr.sum == epd.total)
        #expect(qr["PersAcc"] == "7400000001")
        #expect(qr["PaymPeriod"] == "102026")
        #expect(qr["PersonalAcc"] == Center.demo.bankDetails.account.value)
        #expect(qr["PayeeINN"] == Center.demo.inn.value)
        #expect(qr["TechCode"] == "02")
        #expect(qr.fields.prefix(5).map(\.key) == PaymentQR.mandatoryKeys)
    }

    @Test("many principals with long names overflow to more pages, nothing cut, totals repeated")
    func overflowsToMorePages() throws {
        let folder = try TemporaryDirectory("erc-epd")
        let epd = Self.document(principals: 22, linesEach: 3, longNames: true)
        let pdf = folder.file("long.pdf")
        let pages = try EPDRenderer().render(epd, to: pdf)
        #expect(pages >= 2)
        let text = try text(of: pdf)
        for line in epd.principals.flatMap(\.lines) {
            #expect(text.contains(line.amount.formatted()))
        }
        #expect(text.contains("Калининского района города Челябинска»"))
        let footers = text.components(separatedBy: "итого к оплате \(epd.total.formatted()) руб.").count - 1
        #expect(footers == pages)
        #expect(text.contains("продолжение"))
    }

    @Test("a file embeds one small subset font, compressed")
    func smallFile() throws {
        let folder = try TemporaryDirectory("erc-epd")
        let pdf = folder.file("epd.pdf")
        try EPDRenderer().render(Self.document(), to: pdf)
        let size = try #require(FileManager.default.attributesOfItem(atPath: pdf)[.size] as? Int)
        #expect(size < 60_000, "\(size) bytes")
        let fonts = try ProcessRunner.run("pdffonts", [pdf]).stdout
        #expect(fonts.contains("TrueType") || fonts.contains("CID"))
        #expect(fonts.split(separator: "\n").dropFirst(2).allSatisfy { $0.contains("yes") })
    }
}
