import Core
import Demo
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

    /// `epd` with the first principal's debt carried in and penalties, a privilege and a
    /// recalculation on its first line, and the reasons of two recalculations.
    static func withDebtAndRecalculations(_ epd: EPDDocument) -> EPDDocument {
        var epd = epd
        epd.principals[0].lines[0].opening = Money(kopecks: 123_456)
        epd.principals[0].lines[0].penalties = Money(kopecks: 1_234)
        epd.principals[0].lines[0].privileges = Money(kopecks: 10_000)
        epd.principals[0].lines[0].recalculated = Money(kopecks: -2_145)
        epd.principals[0].lines[0].closing =
            Money(kopecks: 123_456 + 1_234) + epd.principals[0].lines[0].due
        epd.opening = Money(kopecks: 123_456)
        epd.penalties = Money(kopecks: 1_234)
        epd.recalculations = [
            EPDDocument.Recalculation(
                principalName: "ООО «Поставщик 1»", serviceName: "Услуга 1.1 Холодное водоснабжение", isPenalty: false,
                amount: Money(kopecks: -2_145), reason: "по показаниям прибора учёта"),
            EPDDocument.Recalculation(
                principalName: "ООО «Поставщик 1»", serviceName: "Услуга 1.1 Холодное водоснабжение", isPenalty: true,
                amount: Money(kopecks: -65),
                reason:
                    "перерасчёт пени на 01.11.2026: ключевая ставка с 27.07.2026 изменена с 14 % на 9 % (решение от 24.07.2026)"
            ),
        ]
        epd.dueDate = CalendarDate(iso: "2026-11-16")!
        // The second line billed by the norm x1.5, its meter past verification.
        epd.principals[0].lines[1].method = "norm x1.5"
        epd.principals[0].lines[1].methodNote =
            "поверка истекла 07.09.2025, по нормативу с коэф. 1,5 (п. 60)"
        epd.meters = [
            EPDDocument.MeterLine(
                serviceName: epd.principals[0].lines[1].serviceName, serial: "HW-0001", unit: "м³",
                previous: .init(valueMilli: 123_456, takenOn: CalendarDate(iso: "2025-08-20")!), current: nil,
                verifiedUntil: CalendarDate(iso: "2025-09-07")!)
        ]
        return epd
    }

    @Test("the page shows each principal's debt and penalties, privileges, recalculations and their reasons")
    func debtPenaltiesAndRecalculationsOnThePage() throws {
        let folder = try TemporaryDirectory("erc-epd")
        let epd = Self.withDebtAndRecalculations(Self.document())
        let pdf = folder.file("epd.pdf")
        #expect(try EPDRenderer().render(epd, to: pdf) == 1)
        let text = try ProcessRunner.run("pdftotext", [pdf, "-"]).stdout.replacingOccurrences(of: "\n", with: " ")
        // The first principal: 1 234,56 carried in, 12,34 penalties, and what is owed to it in all.
        let block = epd.principals[0]
        #expect(block.balance == Money(kopecks: 123_456 + 1_234 + 48_980 + 48_981 - 10_000 - 2_145))
        #expect(
            text.contains(
                "Долг на начало 1 234,56 руб., пени 12,34 руб.; всего к оплате получателю "
                    + "\(block.balance.formatted()) руб."), "\(text)")
        // Only a principal with debt or penalties has it.
        #expect(text.components(separatedBy: "Долг на начало").count == 2)
        // The privilege and the recalculation in their columns, and the line's total.
        #expect(text.contains("100,00") && text.contains("-21,45"))
        #expect(text.contains(block.lines[0].due.formatted()))
        #expect(
            text.contains(
                "Перерасчёты, руб.: По показаниям прибора учёта: «Услуга 1.1 Холодное водоснабжение» "
                    + "-21,45. Перерасчёт пени на 01.11.2026: ключевая ставка с 27.07.2026 изменена с 14 % на 9 % "
                    + "(решение от 24.07.2026): «Услуга 1.1 Холодное водоснабжение» (пени) -0,65"),
            "\(text)")
        #expect(text.contains("Оплатить до 16.11.2026"))
        #expect(text.contains(Center.demo.paymentWays))
        // How the line was billed, and why: on its meter's row, beside the verification date that
        // expired; a service without a meter in the block, in a paragraph.
        #expect(text.contains("норматив·1,5, п. 60"), "\(text)")
        var unmetered = epd
        unmetered.meters = []
        let plain = folder.file("plain.pdf")
        #expect(try EPDRenderer().render(unmetered, to: plain) == 1)
        let paragraph = try ProcessRunner.run("pdftotext", [plain, "-"]).stdout.replacingOccurrences(
            of: "\n", with: " ")
        #expect(
            paragraph.contains(
                "Как начислено (ПП 354): «Услуга 1.2 Холодное водоснабжение» поверка истекла 07.09.2025, по нормативу "
                    + "с коэф. 1,5 (п. 60)."), "\(paragraph)")
    }

    func text(of pdf: String) throws -> String {
        try ProcessRunner.run("pdftotext", ["-layout", pdf, "-"]).stdout
    }

    /// The QR codes of a page (the last by default: the tear-off part), decoded by zbarimg.
    func qrPayloads(of pdf: String, in folder: TemporaryDirectory, page: Int = 1) throws -> [PaymentQR] {
        let prefix = folder.file("page-\(page)")
        let render = try ProcessRunner.run(
            "pdftoppm", ["-r", "300", "-png", "-singlefile", "-f", "\(page)", "-l", "\(page)", pdf, prefix])
        #expect(render.status == 0)
        let scan = try ProcessRunner.run("zbarimg", ["--raw", "-q", "-Sbinary", prefix + ".png"])
        #expect(scan.status == 0, "zbarimg found no code: \(scan.stderr)")
        return try QRScan.payloads(Array(scan.stdoutData))
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
        #expect(text.contains("Челябинска»"))
        // Every page's foot repeats the account and the total (spaces collapsed: pdftotext lays the
        // figures out beside their words).
        let foot = "ЛС 7400000001 · октябрь 2026 · итого к оплате, руб.: \(epd.total.formatted())"
        let footers = text.split(separator: "\n").filter {
            $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ").contains(foot)
        }.count
        #expect(footers == pages, "\(text)")
        #expect(text.contains("продолжение"))
        // The payment part with its code is on the last page.
        let codes = try qrPayloads(of: pdf, in: folder, page: pages)
        #expect(codes.map(\.sum) == [epd.total])
    }

    @Test("a principal paid to its own account gets a QR code of its own, for what is owed to it")
    func ownPayeeCode() throws {
        let folder = try TemporaryDirectory("erc-epd")
        var epd = Self.document(principals: 3)
        epd.principals[1].paidToOwnAccount = true
        epd.principals[1].inn = "7451000006"
        epd.principals[1].account = "40702810300000000001"
        epd.principals[1].correspondentAccount = "30101810700000000602"
        epd.opening = Money(kopecks: 10_000)
        epd.principals[1].lines[0].closing = epd.principals[1].lines[0].due + Money(kopecks: 10_000)
        let pdf = folder.file("own.pdf")
        #expect(try EPDRenderer().render(epd, to: pdf) == 1)
        let codes = try qrPayloads(of: pdf, in: folder)
        #expect(codes.count == 2)
        let whole = try #require(codes.first { $0["PayeeINN"] == Center.demo.inn.value })
        #expect(whole.sum == epd.total)
        let own = try #require(codes.first { $0["PayeeINN"] == "7451000006" })
        #expect(own["PersonalAcc"] == "40702810300000000001")
        #expect(own["CorrespAcc"] == "30101810700000000602")
        #expect(own.sum == epd.principals[1].balance)
        #expect(own["PersAcc"] == "7400000001")
        #expect(own["PaymPeriod"] == "102026")
    }

    @Test("the most a premises has: 25 principals, 50 lines, 12 meters, every figure printed")
    func mostPrincipals() throws {
        let folder = try TemporaryDirectory("erc-epd")
        var epd = Self.document(principals: 25, linesEach: 2, longNames: true)
        epd.meters = (1...12).map { index in
            EPDDocument.MeterLine(
                serviceName: "Горячее водоснабжение", serial: "HW-\(1_000 + index)", unit: "м³",
                previous: .init(valueMilli: Int64(index) * 10_000, takenOn: CalendarDate(iso: "2026-09-20")!),
                current: .init(valueMilli: Int64(index) * 10_000 + 3_500, takenOn: CalendarDate(iso: "2026-10-20")!),
                verifiedUntil: CalendarDate(iso: "2030-05-01")!)
        }
        let pdf = folder.file("most.pdf")
        let pages = try EPDRenderer().render(epd, to: pdf)
        let text = try text(of: pdf)
        for line in epd.principals.flatMap(\.lines) {
            #expect(text.contains(line.amount.formatted()))
        }
        for meter in epd.meters {
            #expect(text.contains(meter.serial))
        }
        #expect(text.contains("ИТОГО К ОПЛАТЕ"))
        #expect(try qrPayloads(of: pdf, in: folder, page: pages).count == 1)
    }

    /// `epd` with a management organisation's block of cold water for the common property (СОИ),
    /// its recalculation by the house meter, and the house's figures.
    static func withCommonProperty(_ epd: EPDDocument) -> EPDDocument {
        var epd = epd
        var line = EPDDocument.Line(
            serviceName: "Холодная вода на СОИ", unit: "м³", volumeMilli: 625, tariff: Money(kopecks: 4_000),
            amount: Money(kopecks: 2_500), recalculated: Money(kopecks: 1_667))
        line.isCommonProperty = true
        line.method = "common-norm"
        epd.principals.append(
            EPDDocument.PrincipalBlock(
                name: "ООО «УК Северная»", inn: "7451000001", kpp: "745101001", bankName: "ПАО СБЕРБАНК",
                bic: "047501602", account: "40702810100000000888", phone: "+7 (351) 211-00-01", lines: [line]))
        epd.recalculations.append(
            EPDDocument.Recalculation(
                principalName: "ООО «УК Северная»", serviceName: "Холодная вода на СОИ", isPenalty: false,
                amount: Money(kopecks: 1_667),
                reason: "перерасчёт СОИ за 2025 г. по ОДПУ (ч. 9.2 ст. 156 ЖК РФ): 12,5 вместо 7,5, часть 1 из 12"))
        epd.house = EPDDocument.HouseFigures(
            commonAreaCenti: 3_000, premisesAreaCenti: 12_000,
            resources: [
                .init(
                    resource: .coldWater, normMicro: 50_000, meterMilli: 37_000, individualMilli: 25_000,
                    commonMilli: 1_500),
                .init(
                    resource: .electricity, normMicro: 1_250_000, meterMilli: nil, individualMilli: 900_000,
                    commonMilli: 37_500, carriedMilli: -2_000),
            ])
        return epd
    }

    @Test("a line for the common property in the СОИ columns, its recalculation and the house's figures (Раздел 4)")
    func commonProperty() throws {
        let folder = try TemporaryDirectory("erc-epd")
        let epd = Self.withCommonProperty(Self.document(principals: 2))
        let pdf = folder.file("common.pdf")
        #expect(try EPDRenderer().render(epd, to: pdf) == 1)
        let layout = try text(of: pdf)
        // The head's second row: own use and СОИ under the volume and the charge.
        #expect(layout.contains("индивид.") && layout.contains("СОИ"), "\(layout)")
        // The СОИ line's volume and charge in the СОИ columns: right of where an own line's stand.
        let own = try #require(layout.split(separator: "\n").first { $0.contains("Услуга 1.1") })
        let common = try #require(layout.split(separator: "\n").first { $0.contains("Холодная вода на СОИ") })
        let ownVolume = try #require(own.range(of: "11,42"))
        let commonVolume = try #require(common.range(of: "0,625"))
        #expect(
            common.distance(from: common.startIndex, to: commonVolume.lowerBound)
                > own.distance(from: own.startIndex, to: ownVolume.lowerBound))
        let plain = try ProcessRunner.run("pdftotext", [pdf, "-"]).stdout.replacingOccurrences(of: "\n", with: " ")
        #expect(
            plain.contains(
                "Справочная информация. Общее имущество дома (СОИ): площадь 30,00 кв. м, площадь помещений дома "
                    + "120,00 кв. м. Норматив на СОИ на 1 кв. м в месяц; объём по ОДПУ за период; объём в доме: "
                    + "индивидуальный / на СОИ: холодная вода 0,05; 37; 25 / 1,5 куб. м; электроэнергия 1,25; ОДПУ нет; "
                    + "900 / 37,5 кВт·ч, к зачёту в следующих периодах 2."), "\(plain)")
        #expect(
            plain.contains("Перерасчёт СОИ за 2025 г. по ОДПУ (ч. 9.2 ст. 156 ЖК РФ): 12,5 вместо 7,5, часть 1 из 12"),
            "\(plain)")
    }

    @Test("a page looks as the reviewed picture in Fixtures/epd-page-1.png, within a tolerance")
    func lookslikeTheReviewedPicture() throws {
        let folder = try TemporaryDirectory("erc-epd")
        var epd = Self.withDebtAndRecalculations(Self.document(principals: 4, linesEach: 2))
        epd.meters += [
            EPDDocument.MeterLine(
                serviceName: "Холодное водоснабжение", serial: "CW-0001", unit: "м³",
                previous: .init(valueMilli: 123_456, takenOn: CalendarDate(iso: "2026-09-20")!), current: nil,
                verifiedUntil: CalendarDate(iso: "2029-03-01")!)
        ]
        let pdf = folder.file("page.pdf")
        try EPDRenderer().render(epd, to: pdf)
        if ProcessInfo.processInfo.environment["ERC_UPDATE_FIXTURES"] != nil {
            // A deliberate change of the layout: write the new picture, to be reviewed and committed.
            let fixture = String(TestPaths.fixture("epd-page-1.png").dropLast(4))
            #expect(
                try ProcessRunner.run("pdftoppm", ["-r", "50", "-gray", "-png", "-singlefile", pdf, fixture]).status
                    == 0)
        }
        let fresh = try ProcessRunner.run("pdftoppm", ["-r", "50", "-gray", "-singlefile", pdf, folder.file("fresh")])
        #expect(fresh.status == 0)
        let reviewed = try ProcessRunner.run("pngtopnm", [TestPaths.fixture("epd-page-1.png")])
        #expect(reviewed.status == 0, "\(reviewed.stderr)")
        let a = try PGM(data: try Data(contentsOf: URL(fileURLWithPath: folder.file("fresh.pgm"))))
        let b = try PGM(data: reviewed.stdoutData)
        #expect(a.width == b.width && a.height == b.height)
        // The share of pixels that differ by more than a quarter of the grey scale.
        let differing = zip(a.pixels, b.pixels).filter { abs(Int($0) - Int($1)) > 64 }.count
        #expect(Double(differing) / Double(max(a.pixels.count, 1)) < 0.005, "\(differing) pixels differ")
    }

    @Test("a file writes what its documents share once, as forms, and each page still reads whole")
    func sharedParts() throws {
        let folder = try TemporaryDirectory("erc-epd")
        let first = Self.document()
        var second = Self.document()
        second.account = try PersonalAccountNumber("7400000002")
        second.ownerName = "Петров Пётр Петрович"
        let one = folder.file("one.pdf")
        let two = folder.file("two.pdf")
        try EPDRenderer().render(first, to: one)
        #expect(try EPDRenderer().render(batch: [first, second], to: two) == 2)
        func forms(_ path: String) throws -> Int {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            return bytes.ranges(of: Data("/Subtype /Form".utf8)).count
        }
        // Title and center, table head, three principals, meters head, rules, payment part.
        #expect(try forms(one) >= 6)
        #expect(try forms(two) == forms(one))
        let oneSize = try #require(FileManager.default.attributesOfItem(atPath: one)[.size] as? Int)
        let twoSize = try #require(FileManager.default.attributesOfItem(atPath: two)[.size] as? Int)
        #expect(twoSize - oneSize < 3_500, "the second document took \(twoSize - oneSize) bytes")
        for page in 1...2 {
            let text = try ProcessRunner.run("pdftotext", ["-f", "\(page)", "-l", "\(page)", "-layout", two, "-"])
                .stdout
            #expect(text.contains(page == 1 ? "Иванов Иван Иванович" : "Петров Пётр Петрович"))
            #expect(text.contains("Исполнитель расчётов: \(Center.demo.name)"))
            #expect(text.contains("ООО «Поставщик 3»"))
            #expect(text.contains("Итого") && text.contains("индивид."))
            #expect(text.contains("ПЛАТЁЖНАЯ ЧАСТЬ"))
            #expect(text.contains(first.total.formatted()))
        }
        #expect(try qrPayloads(of: two, in: folder, page: 2).first?["PersAcc"] == "7400000002")
    }

    @Test("text outside CP1251 is written in the Unicode font and reads back exactly")
    func textOutsideCP1251() throws {
        let folder = try TemporaryDirectory("erc-epd")
        var epd = Self.document()
        epd.ownerName = "Əliyev Şükrü Ñandú"
        let pdf = folder.file("epd.pdf")
        try EPDRenderer().render(epd, to: pdf)
        let text = try text(of: pdf)
        #expect(text.components(separatedBy: "Əliyev Şükrü Ñandú").count - 1 == 2)  // header, payment part
        #expect(text.contains("Лицевой счёт: 7400000001"))
        #expect(try qrPayloads(of: pdf, in: folder).first?["LastName"] == "Əliyev")
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

/// A binary greyscale image (P5, or P6 taken by its red channel), as pdftoppm -gray and pngtopnm
/// write it.
struct PGM {
    var width: Int
    var height: Int
    var pixels: [UInt8]

    init(data: Data) throws {
        let bytes = [UInt8](data)
        var fields: [String] = []
        var index = 0
        while fields.count < 4 && index < bytes.count {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D {
                index += 1
            }
            var field = ""
            while index < bytes.count, bytes[index] != 0x20 && bytes[index] != 0x0A && bytes[index] != 0x0D {
                field.append(Character(UnicodeScalar(bytes[index])))
                index += 1
            }
            fields.append(field)
        }
        index += 1
        let channels = fields.first == "P6" ? 3 : 1
        guard fields.count == 4, fields[0] == "P5" || fields[0] == "P6", let width = Int(fields[1]),
            let height = Int(fields[2]), bytes.count - index >= width * height * channels
        else { throw PGMError() }
        self.width = width
        self.height = height
        pixels = stride(from: index, to: index + width * height * channels, by: channels).map { bytes[$0] }
    }
}

struct PGMError: Error {}
