public import Core
#if canImport(Glibc)
import Glibc
#endif

/// Lays out one ЕПД on A4 pages with libharu, after the sample form of Minstroy order 43/пр:
/// the header (period, payer, premises, the center with its requisites and contacts), one block
/// per principal with its requisites and its lines (volume, tariff, charged, recalculations,
/// privileges, total), the debt carried in, payments, penalties and the total to pay, the
/// meters with their readings and verification dates, reference information, and a tear-off
/// payment part with the GOST payment QR code for the whole sum and one per principal paid to
/// its own account. What does not fit continues on a next page with the account and total
/// repeated; text is wrapped, never cut.
public struct EPDRenderer: Sendable {
    /// TrueType files for regular and bold text; nil uses the fonts built into erc.
    public var regularFont: String?
    public var boldFont: String?
    public var charset: PaymentQR.Charset

    public init(regularFont: String? = nil, boldFont: String? = nil, charset: PaymentQR.Charset = .utf8) {
        self.regularFont = regularFont
        self.boldFont = boldFont
        self.charset = charset
    }

    static let left: Float = 36
    static let right: Float = HaruPage.width - 36
    static let bottom: Float = 60
    /// Column right edges: unit, volume, tariff, charged, recalculated, privileges, due.
    static let columns:
        (service: Float, unit: Float, volume: Float, tariff: Float, charged: Float, recalculated: Float,
         privileges: Float, amount: Float) = (36, 258, 306, 352, 404, 454, 500, HaruPage.width - 40)
    /// The tear-off payment part's height, with one row of QR codes.
    static let tearOff: Float = 126

    /// A unit as the ЕПД prints it: square and cubic metres spelled the way Russian bills also
    /// write them ("кв. м", "куб. м"), so that every line stays in the one-byte font.
    static func printed(unit: String) -> String {
        switch unit {
        case "м²", "м2": "кв. м"
        case "м³", "м3": "куб. м"
        default: unit
        }
    }

    /// Renders the document into a PDF file at `path`. Returns the number of pages.
    @discardableResult
    public func render(_ epd: EPDDocument, to path: String) throws -> Int {
        let document = try makeDocument()
        let pages = try draw(epd, in: document)
        try save(document, to: path)
        return pages
    }

    /// Renders several documents into one PDF file at `path`, as a print batch does: what they
    /// share (the center's requisites, table heads, each principal's requisites) is written once.
    /// Returns the number of pages.
    @discardableResult
    public func render(batch: [EPDDocument], to path: String) throws -> Int {
        let document = try makeDocument()
        var pages = 0
        for epd in batch { pages += try draw(epd, in: document) }
        try save(document, to: path)
        return pages
    }

    /// Renders the document into PDF bytes in memory (the infomat's copy served over HTTP).
    public func pdf(_ epd: EPDDocument) throws -> [UInt8] {
        let document = try makeDocument()
        _ = try draw(epd, in: document)
        return try document.bytes()
    }

    /// A new PDF with the fonts loaded, for one document or a batch of them.
    func makeDocument() throws -> HaruDocument {
        let fonts = try EmbeddedFonts.paths.get()
        return try HaruDocument(regularFont: regularFont ?? fonts.regular, boldFont: boldFont ?? fonts.bold)
    }

    /// Saves beside `path`, then moves the file into place: no half-written file is left.
    func save(_ document: HaruDocument, to path: String) throws {
        let partial = path + ".part"
        do {
            try document.save(to: partial)
            guard rename(partial, path) == 0 else {
                throw PDFError(errorNumber: 0, detailNumber: UInt(errno), operation: "moving \(partial) to \(path)")
            }
        } catch {
            unlink(partial)
            throw error
        }
    }

    /// Adds the document's pages to `document`; returns how many.
    func draw(_ epd: EPDDocument, in document: HaruDocument) throws -> Int {
        var layout = Layout(epd: epd, document: document, page: try document.addPage())
        layout.y = try header(epd, on: layout.page)
        layout.y = try tableHeader(on: layout.page, y: layout.y)
        try charges(epd, &layout)
        try balance(epd, &layout)
        try meters(epd, &layout)
        try reference(epd, &layout)
        try paymentPart(epd, &layout)
        try footer(epd, on: layout.page, page: layout.pageCount, continued: false)
        return layout.pageCount
    }

    /// Where drawing is: the current page, the height left on it, the pages so far.
    struct Layout {
        let epd: EPDDocument
        let document: HaruDocument
        var page: HaruPage
        var y: Float = 0
        var pageCount = 1

        /// Continues on a new page unless `height` fits above the bottom margin.
        mutating func need(_ height: Float, renderer: EPDRenderer, table: Bool = false) throws {
            if y - height >= EPDRenderer.bottom { return }
            try renderer.footer(epd, on: page, page: pageCount, continued: true)
            page = try document.addPage()
            pageCount += 1
            try page.text(
                "ЕПД за \(epd.period.russianName) · ЛС \(epd.account.value) · продолжение, лист \(pageCount)",
                x: EPDRenderer.left, y: HaruPage.height - 40, size: 9, bold: true)
            y = HaruPage.height - 56
            if table { y = try renderer.tableHeader(on: page, y: y) }
        }
    }

    private func charges(_ epd: EPDDocument, _ layout: inout Layout) throws {
        let c = EPDRenderer.columns
        for block in epd.principals {
            let requisites =
                "\(block.name), ИНН \(block.inn), КПП \(block.kpp), р/с \(block.account) в \(block.bankName), "
                + "БИК \(block.bic), тел. \(block.phone)"
            // The name in bold, the requisites after it, wrapped as one text: a form per principal.
            let boldExtra =
                layout.page.width(of: block.name, size: 6.6, bold: true) - layout.page.width(of: block.name, size: 6.6)
            let wrapped = layout.page.wrapOnce(
                requisites, width: EPDRenderer.right - EPDRenderer.left - boldExtra, size: 6.6)
            try layout.need(Float(wrapped.count) * 8 + 11, renderer: self, table: true)
            try layout.page.stamp("principal\n\(requisites)", x: EPDRenderer.left, y: layout.y) { page in
                for (index, text) in wrapped.enumerated() {
                    let y = -Float(index) * 8
                    if index == 0, text.hasPrefix(block.name + ",") {
                        try page.text(block.name, x: 0, y: y, size: 6.6, bold: true)
                        let offset = page.width(of: block.name, size: 6.6, bold: true)
                        try page.text(String(text.dropFirst(block.name.count)), x: offset, y: y, size: 6.6)
                    } else {
                        try page.text(text, x: 0, y: y, size: 6.6)
                    }
                }
            }
            layout.y -= Float(wrapped.count) * 8
            for line in block.lines {
                let names = layout.page.wrap(line.serviceName, width: c.unit - c.service - 50, size: 8)
                try layout.need(Float(names.count) * 9.5 + 1, renderer: self, table: true)
                let page = layout.page
                let y = layout.y
                for (index, name) in names.enumerated() {
                    try page.text(name, x: c.service + 8, y: y - Float(index) * 9.5, size: 8)
                }
                try page.text(EPDRenderer.printed(unit: line.unit), x: c.unit - 34, y: y, size: 8)
                try page.textRight(formatMilli(line.volumeMilli), right: c.volume, y: y, size: 8)
                try page.textRight(line.tariff.formatted(), right: c.tariff, y: y, size: 8)
                try page.textRight(line.amount.formatted(), right: c.charged, y: y, size: 8)
                try page.textRight(line.recalculated.formatted(), right: c.recalculated, y: y, size: 8)
                try page.textRight(line.privileges.formatted(), right: c.privileges, y: y, size: 8)
                try page.textRight(line.due.formatted(), right: c.amount, y: y, size: 8)
                layout.y -= Float(names.count) * 9.5
            }
            try layout.need(11, renderer: self, table: true)
            try layout.page.textRight(
                "Итого по получателю: \(block.total.formatted())", right: c.amount, y: layout.y, size: 7.5, bold: true)
            layout.y -= 3
            try layout.page.line(x1: EPDRenderer.left, y1: layout.y, x2: EPDRenderer.right, y2: layout.y, width: 0.3)
            layout.y -= 8.5
        }
    }

    private func balance(_ epd: EPDDocument, _ layout: inout Layout) throws {
        let c = EPDRenderer.columns
        var parts = [
            "\(epd.opening.kopecks < 0 ? "Аванс на начало периода" : "Задолженность на начало периода"): "
                + "\(epd.opening.formatted())",
            "начислено за период с перерасчётами и льготами: \(epd.charged.formatted())",
            "пени: \(epd.penalties.formatted())",
            "оплачено в периоде: \(epd.paid.formatted()) руб.",
        ]
        if epd.balance.kopecks < 0 { parts.append("аванс на конец периода: \((-epd.balance).formatted()) руб.") }
        let lines = layout.page.wrap(parts.joined(separator: "; "), width: EPDRenderer.right - EPDRenderer.left, size: 7.5)
        try layout.need(Float(lines.count) * 9.5 + 26, renderer: self)
        for line in lines {
            try layout.page.text(line, x: EPDRenderer.left, y: layout.y, size: 7.5)
            layout.y -= 9.5
        }
        layout.y -= 4
        try layout.page.text("ИТОГО К ОПЛАТЕ за \(epd.period.russianName):", x: EPDRenderer.left, y: layout.y, size: 11, bold: true)
        try layout.page.textRight("\(epd.total.formatted()) руб.", right: c.amount, y: layout.y, size: 11, bold: true)
        layout.y -= 15
    }

    private func meters(_ epd: EPDDocument, _ layout: inout Layout) throws {
        guard !epd.meters.isEmpty else { return }
        let x: (service: Float, serial: Float, previous: Float, current: Float, verified: Float) = (36, 196, 400, 492, 559)
        try layout.need(34, renderer: self)
        try layout.page.stamp("meters-header", x: 0, y: layout.y) { page in
            try page.text("Показания индивидуальных приборов учёта", x: EPDRenderer.left, y: 0, size: 8.5, bold: true)
            try page.text("Услуга", x: x.service, y: -11, size: 7, bold: true)
            try page.text("№ прибора", x: x.serial, y: -11, size: 7, bold: true)
            try page.textRight("Предыдущие", right: x.previous, y: -11, size: 7, bold: true)
            try page.textRight("Текущие", right: x.current, y: -11, size: 7, bold: true)
            try page.textRight("Поверка до", right: x.verified, y: -11, size: 7, bold: true)
        }
        layout.y -= 21
        func reading(_ value: EPDDocument.MeterLine.Reading?) -> String {
            guard let value else { return "—" }
            return "\(formatMilli(value.valueMilli)) (\(value.takenOn.russian))"
        }
        for meter in epd.meters {
            // The unit goes with the service's name; a long name wraps, never cut.
            let name = meter.unit.isEmpty ? meter.serviceName : "\(meter.serviceName), \(EPDRenderer.printed(unit: meter.unit))"
            let names = layout.page.wrap(name, width: x.serial - x.service - 6, size: 7)
            try layout.need(Float(names.count) * 9 + 1, renderer: self)
            let page = layout.page
            for (index, line) in names.enumerated() {
                try page.text(line, x: x.service, y: layout.y - Float(index) * 9, size: 7)
            }
            try page.text(meter.serial, x: x.serial, y: layout.y, size: 7)
            try page.textRight(reading(meter.previous), right: x.previous, y: layout.y, size: 7)
            try page.textRight(reading(meter.current), right: x.current, y: layout.y, size: 7)
            try page.textRight(meter.verifiedUntil.russian, right: x.verified, y: layout.y, size: 7)
            layout.y -= Float(names.count) * 9
        }
        layout.y -= 5
    }

    private func reference(_ epd: EPDDocument, _ layout: inout Layout) throws {
        var seen: Set<String> = []
        var norms: [String] = []
        for line in epd.principals.flatMap(\.lines) {
            guard let norm = line.normMilli, seen.insert(line.serviceName).inserted else { continue }
            norms.append("\(line.serviceName) \(formatMilli(norm)) \(EPDRenderer.printed(unit: line.unit))")
        }
        // The norms differ between documents; the rules after them are the same for the period
        // (a form per file).
        let width = EPDRenderer.right - EPDRenderer.left
        var normLines: [String] = []
        if !norms.isEmpty {
            let list = norms.joined(separator: "; ")
            normLines = layout.page.wrap(
                "Справочная информация. Нормативы потребления на одного человека в месяц: \(list)"
                    + (list.hasSuffix(".") ? "" : "."),
                width: width, size: 7)
        }
        let rules =
            (normLines.isEmpty ? "Справочная информация. " : "")
            + "Показания приборов учёта принимаются до \(epd.readingsDueDay) числа месяца: в личном кабинете, "
            + "на инфомате, у оператора по тел. \(epd.center.phone). Оплатить до \(epd.dueDate.russian); "
            + "за просрочку начисляются пени (ч. 14 ст. 155 ЖК РФ)."
        let ruleLines = layout.page.wrapOnce(rules, width: width, size: 7)
        try layout.need(Float(normLines.count + ruleLines.count) * 9 + 4, renderer: self)
        for line in normLines {
            try layout.page.text(line, x: EPDRenderer.left, y: layout.y, size: 7)
            layout.y -= 9
        }
        try layout.page.stamp("reference\n\(rules)", x: EPDRenderer.left, y: layout.y) { page in
            for (index, line) in ruleLines.enumerated() {
                try page.text(line, x: 0, y: -Float(index) * 9, size: 7)
            }
        }
        layout.y -= Float(ruleLines.count) * 9
    }

    /// The tear-off payment part at the bottom of the last page: the payment requisites and the
    /// QR codes, the whole sum to the center on the right, each principal paid to its own
    /// account to the left of it.
    private func paymentPart(_ epd: EPDDocument, _ layout: inout Layout) throws {
        let own = epd.principals.filter(\.paidToOwnAccount)
        let size: Float = 92
        // Three codes a row: the whole sum first, on the right.
        let codes = [(epd.paymentQR(charset: charset), "Весь документ: \(epd.total.formatted())")]
            + own.map { block in
                let short = block.name.count > 26 ? String(block.name.prefix(25)) + "…" : block.name
                return (epd.paymentQR(for: block, charset: charset), "\(short): \(max(block.balance, .zero).formatted())")
            }
        let rows = (codes.count + 2) / 3
        let height = EPDRenderer.tearOff + Float(rows - 1) * (size + 16)
        try layout.need(height + 8, renderer: self)
        let page = layout.page
        let top = EPDRenderer.bottom + height
        let center = epd.center
        let textWidth: Float = 280
        // The cut line, the title and the payee's rows are the same for the period: a form.
        let title = "ПЛАТЁЖНАЯ ЧАСТЬ · ЕПД за \(epd.period.russianName)"
        let payeeLines = [
            "Получатель: \(center.name), ИНН \(center.inn.value), КПП \(center.kpp.value)",
            "Р/с \(center.bankDetails.account.value) в \(center.bankDetails.bankName), "
                + "БИК \(center.bankDetails.bic.value), к/с \(center.bankDetails.correspondentAccount.value)",
            "Назначение: оплата ЖКУ за \(epd.period.russianName)",
            "Оплатить до \(epd.dueDate.russian)",
        ].flatMap { page.wrapOnce($0, width: textWidth, size: 7) }
        try page.stamp("payment\n\(title)\n" + payeeLines.joined(separator: "\n"), x: 0, y: top) { page in
            try page.dashedLine(x1: EPDRenderer.left, y: 0, x2: EPDRenderer.right)
            try page.text("линия отреза", x: EPDRenderer.right - 50, y: 3, size: 5.5)
            try page.text(title, x: EPDRenderer.left, y: -14, size: 9, bold: true)
            for (index, line) in payeeLines.enumerated() {
                try page.text(line, x: EPDRenderer.left, y: -26 - Float(index) * 9, size: 7)
            }
        }
        var y = top - 26 - Float(payeeLines.count) * 9
        let payerRows = [
            "Лицевой счёт: \(epd.account.value)   Плательщик: \(epd.ownerName)",
            "Адрес: \(epd.address)",
        ]
        for text in payerRows {
            for line in page.wrap(text, width: textWidth, size: 7) {
                try page.text(line, x: EPDRenderer.left, y: y, size: 7)
                y -= 9
            }
        }
        y -= 3
        try page.text("Сумма к оплате: \(epd.total.formatted()) руб.", x: EPDRenderer.left, y: y, size: 10, bold: true)
        for (index, code) in codes.enumerated() {
            let x = EPDRenderer.right - size - Float(index % 3) * (size + 8)
            try qr(code.0, caption: code.1, x: x, top: top - 10 - Float(index / 3) * (size + 16), size: size, on: page)
        }
        layout.y = EPDRenderer.bottom
    }

    private func qr(_ payload: PaymentQR, caption: String, x: Float, top: Float, size: Float, on page: HaruPage) throws {
        let symbol = try QRSymbol(bytes: try payload.encoded())
        let module = size / Float(symbol.side)
        let quiet = module * Float(QRSymbol.quietZone)
        try page.qrCode(
            bits: symbol.bits, modules: symbol.modules, x: x + quiet, y: top - size + quiet, size: size - 2 * quiet)
        for (index, line) in page.wrap(caption, width: size, size: 5.5).prefix(2).enumerated() {
            try page.text(line, x: x + 2, y: top - size - 7 - Float(index) * 6.5, size: 5.5)
        }
    }

    /// The title and the center's requisites (the same on every document of a period: one form
    /// per file), then the payer, the premises and the sum.
    private func header(_ epd: EPDDocument, on page: HaruPage) throws -> Float {
        let top = HaruPage.height - 40
        let width = EPDRenderer.right - EPDRenderer.left
        let center = epd.center
        let title = "ЕДИНЫЙ ПЛАТЁЖНЫЙ ДОКУМЕНТ за \(epd.period.russianName) г."
        let centerText =
            "Исполнитель расчётов: \(center.name), ИНН \(center.inn.value), КПП \(center.kpp.value), "
            + "\(center.address), тел. \(center.phone), \(center.website). Р/с \(center.bankDetails.account.value) "
            + "в \(center.bankDetails.bankName), БИК \(center.bankDetails.bic.value), "
            + "к/с \(center.bankDetails.correspondentAccount.value)"
        let centerLines = page.wrapOnce(centerText, width: width, size: 7)
        try page.stamp("header\n\(title)\n\(centerText)", x: EPDRenderer.left, y: top) { page in
            try page.text(title, x: 0, y: 0, size: 12, bold: true)
            for (index, line) in centerLines.enumerated() {
                try page.text(line, x: 0, y: -16 - Float(index) * 9, size: 7)
            }
        }
        var y = top - 16 - Float(centerLines.count) * 9 - 8
        let area = Money(kopecks: epd.areaCenti).formatted()
        let rows: [(String, Bool)] = [
            ("Лицевой счёт: \(epd.account.value)   Плательщик: \(epd.ownerName)", true),
            ("Адрес: \(epd.address)   Общая площадь: \(area) кв. м   Проживает: \(epd.residents) чел.", false),
            ("Сумма к оплате: \(epd.total.formatted()) руб.   Оплатить до \(epd.dueDate.russian)", true),
        ]
        for (text, bold) in rows {
            for line in page.wrap(text, width: width, size: 9, bold: bold) {
                try page.text(line, x: EPDRenderer.left, y: y, size: 9, bold: bold)
                y -= 12
            }
        }
        return y - 12
    }

    /// The head of the charges table (a form, placed at each table's top).
    func tableHeader(on page: HaruPage, y: Float) throws -> Float {
        try page.stamp("table-header", x: 0, y: y) { page in
            let c = EPDRenderer.columns
            try page.line(x1: EPDRenderer.left, y1: 10, x2: EPDRenderer.right, y2: 10)
            try page.text("Услуга", x: c.service, y: 0, size: 8, bold: true)
            try page.text("Ед.", x: c.unit - 34, y: 0, size: 8, bold: true)
            try page.textRight("Объём", right: c.volume, y: 0, size: 8, bold: true)
            try page.textRight("Тариф", right: c.tariff, y: 0, size: 8, bold: true)
            try page.textRight("Начислено", right: c.charged, y: 0, size: 8, bold: true)
            try page.textRight("Перерасч.", right: c.recalculated, y: 0, size: 8, bold: true)
            try page.textRight("Льготы", right: c.privileges, y: 0, size: 8, bold: true)
            try page.textRight("Итого, руб.", right: c.amount, y: 0, size: 8, bold: true)
            try page.line(x1: EPDRenderer.left, y1: -4, x2: EPDRenderer.right, y2: -4)
        }
        return y - 16
    }

    func footer(_ epd: EPDDocument, on page: HaruPage, page number: Int, continued: Bool) throws {
        let text =
            "ЛС \(epd.account.value) · \(epd.period.russianName) · итого к оплате \(epd.total.formatted()) руб."
            + (continued ? " · продолжение на следующем листе" : "") + " · лист \(number)"
        try page.line(x1: EPDRenderer.left, y1: 46, x2: EPDRenderer.right, y2: 46, width: 0.3)
        try page.text(text, x: EPDRenderer.left, y: 36, size: 7)
    }
}
