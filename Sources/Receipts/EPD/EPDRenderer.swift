public import Core

/// Lays out one ЕПД on A4 pages with libharu: the header (period, payer, premises, center),
/// the payment QR code for the whole sum, one block per principal with its requisites and
/// lines, and the total to pay. Lines that do not fit continue on a next page, with the
/// account and total repeated; text is wrapped, never cut.
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

    /// Renders the document into a PDF file at `path`. Returns the number of pages.
    @discardableResult
    public func render(_ epd: EPDDocument, to path: String) throws -> Int {
        let fonts = try EmbeddedFonts.paths.get()
        let document = try HaruDocument(
            regularFont: regularFont ?? fonts.regular, boldFont: boldFont ?? fonts.bold)
        let pages = try draw(epd, in: document)
        try document.save(to: path)
        return pages
    }

    func draw(_ epd: EPDDocument, in document: HaruDocument) throws -> Int {
        var page = try document.addPage()
        var pageCount = 1
        var y = try header(epd, on: page)
        func need(_ height: Float) throws {
            if y - height >= EPDRenderer.bottom { return }
            try footer(epd, on: page, page: pageCount, continued: true)
            page = try document.addPage()
            pageCount += 1
            try page.text(
                "ЕПД за \(epd.period.russianName) · ЛС \(epd.account.value) · продолжение, лист \(pageCount)",
                x: EPDRenderer.left, y: HaruPage.height - 40, size: 9, bold: true)
            y = HaruPage.height - 56
            y = try tableHeader(on: page, y: y)
        }
        y = try tableHeader(on: page, y: y)
        let c = EPDRenderer.columns
        for block in epd.principals {
            let requisites =
                "\(block.name), ИНН \(block.inn), КПП \(block.kpp), р/с \(block.account) в \(block.bankName), "
                + "БИК \(block.bic), тел. \(block.phone)"
            let wrapped = page.wrap(requisites, width: EPDRenderer.right - EPDRenderer.left, size: 7.5, bold: true)
            try need(Float(wrapped.count) * 9.5 + 11)
            for text in wrapped {
                try page.text(text, x: EPDRenderer.left, y: y, size: 7.5, bold: true)
                y -= 9.5
            }
            for line in block.lines {
                let names = page.wrap(line.serviceName, width: c.unit - c.service - 50, size: 8)
                try need(Float(names.count) * 10 + 1)
                for (index, name) in names.enumerated() {
                    try page.text(name, x: c.service + 8, y: y - Float(index) * 10, size: 8)
                }
                try page.text(line.unit, x: c.unit - 34, y: y, size: 8)
                try page.textRight(formatMilli(line.volumeMilli), right: c.volume, y: y, size: 8)
                try page.textRight(line.tariff.formatted(), right: c.tariff, y: y, size: 8)
                try page.textRight(line.amount.formatted(), right: c.charged, y: y, size: 8)
                try page.textRight(line.recalculated.formatted(), right: c.recalculated, y: y, size: 8)
                try page.textRight(line.privileges.formatted(), right: c.privileges, y: y, size: 8)
                try page.textRight(line.due.formatted(), right: c.amount, y: y, size: 8)
                y -= Float(names.count) * 10
            }
            try need(12)
            try page.textRight("Итого по получателю: \(block.total.formatted())", right: c.amount, y: y, size: 8, bold: true)
            y -= 4
            try page.line(x1: EPDRenderer.left, y1: y, x2: EPDRenderer.right, y2: y, width: 0.3)
            y -= 10
        }
        let balance: [(String, Money)] = [
            (epd.opening.kopecks < 0 ? "Аванс на начало периода" : "Задолженность на начало периода", epd.opening),
            ("Начислено за период с перерасчётами и льготами", epd.charged),
            ("Пени", epd.penalties),
            ("Оплачено в периоде", epd.paid),
        ]
        try need(Float(balance.count) * 11 + 40)
        for (label, amount) in balance {
            try page.text(label + ":", x: EPDRenderer.left, y: y, size: 8)
            try page.textRight("\(amount.formatted()) руб.", right: c.amount, y: y, size: 8)
            y -= 11
        }
        if epd.balance.kopecks < 0 {
            try page.text("Аванс на конец периода:", x: EPDRenderer.left, y: y, size: 8)
            try page.textRight("\((-epd.balance).formatted()) руб.", right: c.amount, y: y, size: 8)
            y -= 11
        }
        y -= 4
        try page.text("ИТОГО К ОПЛАТЕ за \(epd.period.russianName):", x: EPDRenderer.left, y: y, size: 11, bold: true)
        try page.textRight("\(epd.total.formatted()) руб.", right: c.amount, y: y, size: 11, bold: true)
        y -= 14
        try page.text(
            "Оплатить до \(epd.dueDate.russian). Показания приборов учёта передавайте до 25 числа месяца.",
            x: EPDRenderer.left, y: y, size: 8)
        try footer(epd, on: page, page: pageCount, continued: false)
        return pageCount
    }

    private func header(_ epd: EPDDocument, on page: HaruPage) throws -> Float {
        let top = HaruPage.height - 40
        let qrSize: Float = 128
        let qrX = EPDRenderer.right - qrSize
        try page.text(
            "ЕДИНЫЙ ПЛАТЁЖНЫЙ ДОКУМЕНТ за \(epd.period.russianName) г.", x: EPDRenderer.left, y: top, size: 12,
            bold: true)
        let textWidth = qrX - EPDRenderer.left - 10
        var y = top - 20
        let area = Money(kopecks: epd.areaCenti).formatted()
        let rows: [(String, Bool)] = [
            ("Лицевой счёт: \(epd.account.value)", true),
            ("Плательщик: \(epd.ownerName)", false),
            ("Адрес: \(epd.address)", false),
            ("Общая площадь: \(area) м²   Проживает: \(epd.residents) чел.", false),
            ("Сумма к оплате: \(epd.total.formatted()) руб.   Оплатить до \(epd.dueDate.russian)", true),
        ]
        for (text, bold) in rows {
            for line in page.wrap(text, width: textWidth, size: 9, bold: bold) {
                try page.text(line, x: EPDRenderer.left, y: y, size: 9, bold: bold)
                y -= 12
            }
        }
        y -= 4
        let center = epd.center
        let centerText =
            "Исполнитель расчётов: \(center.name), ИНН \(center.inn.value), КПП \(center.kpp.value), "
            + "\(center.address), тел. \(center.phone), \(center.website). Р/с \(center.bankDetails.account.value) "
            + "в \(center.bankDetails.bankName), БИК \(center.bankDetails.bic.value), "
            + "к/с \(center.bankDetails.correspondentAccount.value)"
        for line in page.wrap(centerText, width: textWidth, size: 7) {
            try page.text(line, x: EPDRenderer.left, y: y, size: 7)
            y -= 9
        }
        // The payment QR code for the whole document, top right.
        let payload = try epd.paymentQR(charset: charset).encoded()
        let symbol = try QRSymbol(bytes: payload)
        let image = try page.document.image(bits: symbol.bits, width: symbol.side, height: symbol.side)
        let qrY = top - 8 - qrSize
        try page.draw(image: image, x: qrX, y: qrY, size: qrSize)
        try page.text("Оплата всего документа по QR-коду", x: qrX + 4, y: qrY - 8, size: 6.5)
        return min(y, qrY - 16) - 6
    }

    private func tableHeader(on page: HaruPage, y: Float) throws -> Float {
        let c = EPDRenderer.columns
        try page.line(x1: EPDRenderer.left, y1: y + 10, x2: EPDRenderer.right, y2: y + 10)
        try page.text("Услуга", x: c.service, y: y, size: 8, bold: true)
        try page.text("Ед.", x: c.unit - 34, y: y, size: 8, bold: true)
        try page.textRight("Объём", right: c.volume, y: y, size: 8, bold: true)
        try page.textRight("Тариф", right: c.tariff, y: y, size: 8, bold: true)
        try page.textRight("Начислено", right: c.charged, y: y, size: 8, bold: true)
        try page.textRight("Перерасч.", right: c.recalculated, y: y, size: 8, bold: true)
        try page.textRight("Льготы", right: c.privileges, y: y, size: 8, bold: true)
        try page.textRight("Итого, руб.", right: c.amount, y: y, size: 8, bold: true)
        try page.line(x1: EPDRenderer.left, y1: y - 4, x2: EPDRenderer.right, y2: y - 4)
        return y - 16
    }

    private func footer(_ epd: EPDDocument, on page: HaruPage, page number: Int, continued: Bool) throws {
        let text =
            "ЛС \(epd.account.value) · \(epd.period.russianName) · итого к оплате \(epd.total.formatted()) руб."
            + (continued ? " · продолжение на следующем листе" : "") + " · лист \(number)"
        try page.line(x1: EPDRenderer.left, y1: 46, x2: EPDRenderer.right, y2: 46, width: 0.3)
        try page.text(text, x: EPDRenderer.left, y: 36, size: 7)
    }
}
