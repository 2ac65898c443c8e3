import Core

extension EPDRenderer {
    /// The tear-off payment part at the bottom of the last page: the payment requisites and the
    /// QR codes, the whole sum to the center on the right, each principal paid to its own
    /// account to the left of it.
    func paymentPart(_ epd: EPDDocument, _ layout: inout Layout) throws {
        let own = epd.principals.filter(\.paidToOwnAccount)
        let size: Float = 92
        // Three codes a row: the whole sum first, on the right.
        let codes =
            [(epd.paymentQR(charset: charset), "Весь документ:", epd.total.formatted())]
            + own.map { block in
                let short = block.name.count > 26 ? String(block.name.prefix(25)) + "…" : block.name
                return (epd.paymentQR(for: block, charset: charset), "\(short):", max(block.balance, .zero).formatted())
            }
        let rows = (codes.count + 2) / 3
        let height = EPDRenderer.tearOff + Float(rows - 1) * (size + 22)
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
        // The payer's rows: labels in the form, at fixed places under the payee's rows.
        let left = EPDRenderer.left
        let rowY = -26 - Float(payeeLines.count) * 9
        let sumX = left + page.width(of: "Сумма к оплате, руб.: ", size: 10, bold: true)
        let accountX = left + page.width(of: "Лицевой счёт: ", size: 7)
        let payerLabelX = accountX + page.width(of: EPDRenderer.accountTemplate, size: 7) + 12
        let payerX = payerLabelX + page.width(of: "Плательщик: ", size: 7)
        // Where each code goes (three a row, the whole sum first, on the right) and its caption.
        let places = codes.enumerated().map { index, code in
            (
                x: EPDRenderer.right - size - Float(index % 3) * (size + 8),
                top: top - 10 - Float(index / 3) * (size + 22),
                label: Array(page.wrapOnce(code.1, width: size - 2, size: 5.5).prefix(2))
            )
        }
        let number = layout.pageCount
        let key =
            "payment\n\(title)\n" + payeeLines.joined(separator: "\n") + "\n"
            + places.map { $0.label.joined(separator: " ") }.joined(separator: "\n")
            + "\n\(sheet(number, continued: false))"
        try page.stamp(key, x: 0, y: top) { page in
            try page.dashedLine(x1: EPDRenderer.left, y: 0, x2: EPDRenderer.right)
            try page.text("линия отреза", x: EPDRenderer.right - 50, y: 3, size: 5.5)
            try page.text(title, x: EPDRenderer.left, y: -14, size: 9, bold: true)
            for (index, line) in payeeLines.enumerated() {
                try page.text(line, x: EPDRenderer.left, y: -26 - Float(index) * 9, size: 7)
            }
            try page.text("Сумма к оплате, руб.:", x: left, y: rowY, size: 10, bold: true)
            try page.text("Лицевой счёт:", x: left, y: rowY - 12, size: 7)
            try page.text("Плательщик:", x: payerLabelX, y: rowY - 12, size: 7)
            for place in places {
                for (index, line) in place.label.enumerated() {
                    try page.text(line, x: place.x + 2, y: place.top - top - size - 7 - Float(index) * 6.5, size: 5.5)
                }
            }
            try footerWords(epd, on: page, page: number, continued: false, y: 36 - top)
        }
        try page.text(epd.total.formatted(), x: sumX, y: top + rowY, size: 10, bold: true)
        var y = top + rowY - 12
        try page.text(epd.account.value, x: accountX, y: y, size: 7)
        for line in page.wrap(epd.ownerName, width: left + textWidth - payerX, size: 7) {
            try page.text(line, x: payerX, y: y, size: 7)
            y -= 9
        }
        for line in page.wrap("Адрес: \(epd.address)", width: textWidth, size: 7) {
            try page.text(line, x: left, y: y, size: 7)
            y -= 9
        }
        for (code, place) in zip(codes, places) {
            let sumY = place.top - size - 7 - Float(place.label.count) * 6.5
            try qr(code.0, sum: code.2, x: place.x, top: place.top, sumY: sumY, size: size, on: page)
        }
        layout.y = EPDRenderer.bottom
    }

    /// A QR code with the sum it pays under it at `sumY` (what it pays is in the payment part's
    /// form).
    func qr(
        _ payload: PaymentQR, sum: String, x: Float, top: Float, sumY: Float, size: Float, on page: HaruPage
    ) throws {
        // A character outside CP1251 (a name in another script) makes that code UTF-8.
        let bytes = try (try? payload.encoded()) ?? PaymentQR(charset: .utf8, fields: payload.fields).encoded()
        let symbol = try QRSymbol(bytes: bytes)
        let module = size / Float(symbol.side)
        let quiet = module * Float(QRSymbol.quietZone)
        try page.qrCode(
            bits: symbol.bits, modules: symbol.modules, x: x + quiet, y: top - size + quiet, size: size - 2 * quiet)
        try page.text(sum + " руб.", x: x + 2, y: sumY, size: 5.5)
    }

    /// The foot of a page: the account, period and total (the words a form, unless the payment
    /// part's form already drew them), and the sheet.
    func footer(
        _ epd: EPDDocument, on page: HaruPage, page number: Int, continued: Bool, wordsDrawn: Bool = false
    ) throws {
        let places = footerPlaces(epd, on: page)
        if !wordsDrawn {
            try page.stamp("footer\n\(places.words)\n\(sheet(number, continued: continued))", x: 0, y: 0) { page in
                try footerWords(epd, on: page, page: number, continued: continued, y: 36)
            }
        }
        try page.text(epd.account.value, x: places.accountX, y: 36, size: 7)
        try page.text(epd.total.formatted(), x: places.totalX, y: 36, size: 7)
    }

    func sheet(_ number: Int, continued: Bool) -> String {
        (continued ? "продолжение на следующем листе · " : "") + "лист \(number)"
    }

    func footerPlaces(
        _ epd: EPDDocument, on page: HaruPage
    ) -> (words: String, accountX: Float, periodX: Float, totalX: Float) {
        let accountX = EPDRenderer.left + page.width(of: "ЛС ", size: 7)
        let periodX = accountX + page.width(of: EPDRenderer.accountTemplate, size: 7) + 4
        let words = "· \(epd.period.russianName) · итого к оплате, руб.:"
        return (words, accountX, periodX, periodX + page.width(of: words + " ", size: 7))
    }

    /// The footer's rule and words, with the text baseline at `y`.
    func footerWords(_ epd: EPDDocument, on page: HaruPage, page number: Int, continued: Bool, y: Float) throws {
        let places = footerPlaces(epd, on: page)
        try page.line(x1: EPDRenderer.left, y1: y + 10, x2: EPDRenderer.right, y2: y + 10, width: 0.3)
        try page.text("ЛС", x: EPDRenderer.left, y: y, size: 7)
        try page.text(places.words, x: places.periodX, y: y, size: 7)
        try page.textRight(sheet(number, continued: continued), right: EPDRenderer.right, y: y, size: 7)
    }
}
