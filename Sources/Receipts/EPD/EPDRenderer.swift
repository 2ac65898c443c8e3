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
    /// Column right edges: unit, volume (the premises' own use, then the common property's:
    /// the two columns of the 43/пр form), tariff, charged (own, СОИ), recalculated, privileges,
    /// due.
    static let columns:
        (
            service: Float, unit: Float, volume: Float, volumeCommon: Float, tariff: Float, charged: Float,
            chargedCommon: Float, recalculated: Float, privileges: Float, amount: Float
        ) = (36, 232, 268, 304, 344, 390, 430, 472, 512, HaruPage.width - 40)
    /// The size of a principal's requisites above its lines: small enough that most fit one line.
    static let requisitesSize: Float = 6.2
    /// The height of the charges table's head (two rows: the columns, then own use and СОИ).
    static let headHeight: Float = 23
    /// What an account number's width is measured on: labels after an account are placed at the
    /// same x on every document (their forms are shared), and the font's digits are all as wide.
    static let accountTemplate = "0000000000"
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
        try charges(epd, &layout)
        try balance(epd, &layout)
        try recalculations(epd, &layout)
        try privileges(epd, &layout)
        try methods(epd, &layout)
        try meters(epd, &layout)
        try reference(epd, &layout)
        try paymentPart(epd, &layout)
        try footer(epd, on: layout.page, page: layout.pageCount, continued: false, wordsDrawn: true)
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

    /// One block per principal: its requisites, its lines, its total and a rule under them.
    /// What is the same on many documents (the requisites, each line's service, unit and tariff,
    /// the labels) is a form: the whole block's when it fits on the page, else the requisites'
    /// and each line's, so a block can continue on the next page.
    private func charges(_ epd: EPDDocument, _ layout: inout Layout) throws {
        let c = EPDRenderer.columns
        for block in epd.principals {
            let requisites =
                "\(block.name), ИНН \(block.inn), КПП \(block.kpp), р/с \(block.account) в \(block.bankName), "
                + "БИК \(block.bic), тел. \(block.phone)" + Self.ownDueDates(of: block)
            let boldExtra =
                layout.page.width(of: block.name, size: EPDRenderer.requisitesSize, bold: true)
                - layout.page.width(of: block.name, size: EPDRenderer.requisitesSize)
            let wrapped = layout.page.wrapOnce(
                requisites, width: EPDRenderer.right - EPDRenderer.left - boldExtra, size: EPDRenderer.requisitesSize)
            // A service name a little too long for its column is set a size smaller rather than
            // on two lines.
            let nameWidth = c.unit - c.service - 40
            let rows = block.lines.map { line in
                let size: Float =
                    layout.page.width(of: line.serviceName, size: 8) > nameWidth
                        && layout.page.width(of: line.serviceName, size: 7) <= nameWidth ? 7 : 8
                return (
                    line: line, names: layout.page.wrapOnce(line.serviceName, width: nameWidth, size: size),
                    unit: EPDRenderer.printed(unit: line.unit), tariff: line.tariff.formatted(), size: size
                )
            }
            let rowsHeight = rows.reduce(Float(0)) { $0 + Float($1.names.count) * 9.5 }
            // A block of one line without debt needs no total row: its line's sum is its total.
            let hasTotalRow = block.lines.count > 1 || block.opening != .zero || block.penalties != .zero
            let height = Float(wrapped.count) * 8 + rowsHeight + (hasTotalRow ? 11 : 1.5)
            func drawRequisites(on page: HaruPage, y: Float) throws {
                for (index, text) in wrapped.enumerated() {
                    let lineY = y - Float(index) * 8
                    if index == 0, text.hasPrefix(block.name + ",") {
                        try page.text(
                            block.name, x: EPDRenderer.left, y: lineY, size: EPDRenderer.requisitesSize, bold: true)
                        let offset = page.width(of: block.name, size: EPDRenderer.requisitesSize, bold: true)
                        try page.text(
                            String(text.dropFirst(block.name.count)), x: EPDRenderer.left + offset, y: lineY,
                            size: EPDRenderer.requisitesSize)
                    } else {
                        try page.text(text, x: EPDRenderer.left, y: lineY, size: EPDRenderer.requisitesSize)
                    }
                }
            }
            func drawRow(
                _ row: (line: EPDDocument.Line, names: [String], unit: String, tariff: String, size: Float),
                on page: HaruPage,
                y: Float
            ) throws {
                for (index, name) in row.names.enumerated() {
                    try page.text(name, x: c.service + 8, y: y - Float(index) * 9.5, size: row.size)
                }
                try page.text(row.unit, x: c.unit - 26, y: y, size: 8)
                try page.textRight(row.tariff, right: c.tariff, y: y, size: 8)
            }
            func drawTotalLabel(on page: HaruPage, y: Float) throws {
                try page.textRight("Итого по получателю:", right: c.privileges, y: y, size: 7.5, bold: true)
                try page.line(x1: EPDRenderer.left, y1: y - 3, x2: EPDRenderer.right, y2: y - 3, width: 0.3)
            }
            func drawFigures(
                _ row: (line: EPDDocument.Line, names: [String], unit: String, tariff: String, size: Float),
                on page: HaruPage, y: Float
            ) throws {
                let common = row.line.isCommonProperty
                try page.textRight(
                    formatMilli(row.line.volumeMilli), right: common ? c.volumeCommon : c.volume, y: y, size: 8)
                try page.textRight(
                    row.line.amount.formatted(), right: common ? c.chargedCommon : c.charged, y: y, size: 8)
                try page.textRight(row.line.recalculated.formatted(), right: c.recalculated, y: y, size: 8)
                try page.textRight(row.line.privileges.formatted(), right: c.privileges, y: y, size: 8)
                try page.textRight(row.line.due.formatted(), right: c.amount, y: y, size: 8)
            }
            if layout.y - height >= EPDRenderer.bottom {
                // The whole block on this page: its form, then its figures in one text object.
                let top = layout.y
                let key =
                    "block\(hasTotalRow ? "" : " alone")\n\(requisites)\n"
                    + rows.map { "\($0.line.serviceName)|\($0.unit)|\($0.tariff)" }.joined(separator: "\n")
                try layout.page.stamp(key, x: 0, y: top) { page in
                    try drawRequisites(on: page, y: 0)
                    var y = -Float(wrapped.count) * 8
                    for row in rows {
                        try drawRow(row, on: page, y: y)
                        y -= Float(row.names.count) * 9.5
                    }
                    if hasTotalRow {
                        try drawTotalLabel(on: page, y: y)
                    } else {
                        try page.line(
                            x1: EPDRenderer.left, y1: y + 6.5, x2: EPDRenderer.right, y2: y + 6.5, width: 0.3)
                    }
                }
                var y = top - Float(wrapped.count) * 8
                for row in rows {
                    try drawFigures(row, on: layout.page, y: y)
                    y -= Float(row.names.count) * 9.5
                }
                guard hasTotalRow else {
                    layout.y = y - 2
                    continue
                }
                try layout.page.textRight(block.total.formatted(), right: c.amount, y: y, size: 7.5, bold: true)
                try drawDebt(of: block, on: layout.page, y: y)
                layout.y = y - 11.5
                continue
            }
            try layout.need(Float(wrapped.count) * 8 + 11, renderer: self, table: true)
            try layout.page.stamp("principal\n\(requisites)", x: 0, y: layout.y) { page in
                try drawRequisites(on: page, y: 0)
            }
            layout.y -= Float(wrapped.count) * 8
            for row in rows {
                try layout.need(Float(row.names.count) * 9.5 + 1, renderer: self, table: true)
                try layout.page.stamp("row\n\(row.line.serviceName)\n\(row.unit)\n\(row.tariff)", x: 0, y: layout.y) {
                    page in
                    try drawRow(row, on: page, y: 0)
                }
                try drawFigures(row, on: layout.page, y: layout.y)
                layout.y -= Float(row.names.count) * 9.5
            }
            try layout.need(11, renderer: self, table: true)
            try layout.page.stamp("block-total", x: 0, y: layout.y) { page in
                try drawTotalLabel(on: page, y: 0)
            }
            try layout.page.textRight(block.total.formatted(), right: c.amount, y: layout.y, size: 7.5, bold: true)
            try drawDebt(of: block, on: layout.page, y: layout.y)
            layout.y -= 11.5
        }
    }

    /// On a principal's total row, left of its label, when it has any: the debt it carried in,
    /// its penalties and what is owed to it in all (its share of the document's balance). Takes
    /// no height of its own.
    private func drawDebt(of block: EPDDocument.PrincipalBlock, on page: HaruPage, y: Float) throws {
        guard block.opening != .zero || block.penalties != .zero else { return }
        let opening =
            block.opening.kopecks < 0
            ? "Аванс на начало \(Money(kopecks: -block.opening.kopecks).formatted())"
            : "Долг на начало \(block.opening.formatted())"
        let owed = max(block.balance, .zero).formatted()
        let room =
            EPDRenderer.columns.privileges - page.width(of: "Итого по получателю:", size: 7.5, bold: true)
            - EPDRenderer.columns.service - 16
        var text = "\(opening) руб., пени \(block.penalties.formatted()) руб.; всего к оплате получателю \(owed) руб."
        if page.width(of: text, size: 6.6) > room {
            text = "\(opening), пени \(block.penalties.formatted()), всего \(owed) руб."
        }
        try page.text(text, x: EPDRenderer.columns.service + 8, y: y, size: 6.6)
    }

    /// A service due on a day of its own: the day, in its principal's requisites ("; оплатить до
    /// 20.11.2026" when every line of the block has it, else per service).
    static func ownDueDates(of block: EPDDocument.PrincipalBlock) -> String {
        let own = block.lines.filter { $0.dueDate != nil }
        guard let first = own.first?.dueDate else { return "" }
        if own.count == block.lines.count, own.allSatisfy({ $0.dueDate == first }) {
            return "; оплатить до \(first.russian)"
        }
        return "; " + own.map { "«\($0.serviceName)» оплатить до \($0.dueDate!.russian)" }.joined(separator: ", ")
    }

    /// Раздел 6: the recalculations of the period with their reasons in one small paragraph,
    /// a sentence per reason ("Перерасчёт пени на …: АО «…» «Отопление» (пени) -0,65; …"), so
    /// that a month with them still prints on one sheet. Sums in roubles.
    private func recalculations(_ epd: EPDDocument, _ layout: inout Layout) throws {
        guard !epd.recalculations.isEmpty else { return }
        var reasons: [String] = []
        var parts: [String: [String]] = [:]
        for entry in epd.recalculations {
            let sign = entry.amount.kopecks > 0 ? "+" : ""
            if parts[entry.reason] == nil { reasons.append(entry.reason) }
            // The service names its principal's block above; the principal only where a service
            // name is on two blocks.
            let shared = epd.principals.filter { $0.lines.contains { $0.serviceName == entry.serviceName } }.count > 1
            parts[entry.reason, default: []].append(
                (shared ? "\(entry.principalName) " : "") + "«\(entry.serviceName)»\(entry.isPenalty ? " (пени)" : "") "
                    + "\(sign)\(entry.amount.formatted())")
        }
        let sentences = reasons.map { reason in
            "\(reason.prefix(1).uppercased() + reason.dropFirst()): " + (parts[reason] ?? []).joined(separator: "; ")
        }
        try paragraph("Перерасчёты, руб.: " + sentences.joined(separator: ". "), &layout)
    }

    /// The privileges given, each with its category, terms and sum, in one small paragraph.
    private func privileges(_ epd: EPDDocument, _ layout: inout Layout) throws {
        let said = epd.principals.flatMap(\.lines).compactMap { line in
            line.privilegeNote.map { "«\(line.serviceName)» \($0)" }
        }
        guard !said.isEmpty else { return }
        try paragraph("Льготы, руб.: " + said.joined(separator: "; ") + ".", &layout)
    }

    /// How the lines not billed by readings were billed, and why (43/пр: the average, the norm,
    /// the norm with the increasing factor): one paragraph, small.
    private func methods(_ epd: EPDDocument, _ layout: inout Layout) throws {
        var notes: [String] = []
        var seen: Set<String> = []
        // A service whose meter is in the meters block says it on the meter's row (with its
        // verification date); the others are said here.
        let metered = Set(epd.meters.map(\.serviceName))
        // A СОИ line says its house's volumes in the reference; here only when its norm stood in
        // for what the owners decided.
        for line in epd.principals.flatMap(\.lines)
        where !metered.contains(line.serviceName) && (!line.isCommonProperty || line.method == "common-norm") {
            guard let note = line.methodNote, !line.isCommonProperty || note.hasPrefix("по нормативу:"),
                seen.insert("\(line.serviceName)|\(note)").inserted
            else { continue }
            notes.append("«\(line.serviceName)» \(note)")
        }
        guard !notes.isEmpty else { return }
        try paragraph("Как начислено (ПП 354): " + notes.joined(separator: "; ") + ".", &layout)
    }

    /// A small paragraph across the page (6.6 pt), kept together when it has up to three lines.
    private func paragraph(_ text: String, _ layout: inout Layout) throws {
        let lines = layout.page.wrapOnce(text, width: EPDRenderer.right - EPDRenderer.left, size: 6.6)
        try layout.need(Float(min(lines.count, 3)) * 8, renderer: self)
        for line in lines {
            try layout.need(8, renderer: self)
            try layout.page.text(line, x: EPDRenderer.left, y: layout.y, size: 6.6)
            layout.y -= 8
        }
        layout.y -= 2
    }

    /// The period's figures in labelled columns (the labels a form, the figures under them),
    /// then the total to pay.
    private func balance(_ epd: EPDDocument, _ layout: inout Layout) throws {
        let c = EPDRenderer.columns
        let x: [Float] = [36, 156, 330, 390, 470]
        var columns: [(label: String, value: Money)] = [
            (
                epd.opening.kopecks < 0 ? "Аванс на начало" : "Задолженность на начало",
                Money(kopecks: abs(epd.opening.kopecks))
            ),
            ("Начислено с перерасчётами и льготами", epd.charged),
            ("Пени", epd.penalties),
            ("Оплачено", epd.paid),
        ]
        if epd.balance.kopecks < 0 { columns.append(("Аванс на конец", -epd.balance)) }
        try layout.need(9.5 + 14 + 15, renderer: self)
        let labels = columns.map(\.label)
        let title = "ИТОГО К ОПЛАТЕ за \(epd.period.russianName):"
        try layout.page.stamp("balance\n\(title)\n" + labels.joined(separator: "\n"), x: 0, y: layout.y) { page in
            for (index, label) in labels.enumerated() {
                try page.text(label + ", руб.", x: x[index], y: 0, size: 7)
            }
            try page.text(title, x: EPDRenderer.left, y: -23.5, size: 11, bold: true)
        }
        layout.y -= 9.5
        for (index, column) in columns.enumerated() {
            try layout.page.text(column.value.formatted(), x: x[index], y: layout.y, size: 8)
        }
        layout.y -= 14
        try layout.page.textRight("\(epd.total.formatted()) руб.", right: c.amount, y: layout.y, size: 11, bold: true)
        layout.y -= 15
    }

    /// The meters with their readings. The heading and the meters' names are one form for each
    /// set of meters when they all fit on the page; the readings are written beside them.
    private func meters(_ epd: EPDDocument, _ layout: inout Layout) throws {
        guard !epd.meters.isEmpty else { return }
        let x: (service: Float, serial: Float, previous: Float, current: Float, verified: Float) = (
            36, 196, 400, 492, 559
        )
        func heading(on page: HaruPage, y: Float) throws {
            try page.text("Показания индивидуальных приборов учёта", x: EPDRenderer.left, y: y, size: 8.5, bold: true)
            try page.text("Услуга", x: x.service, y: y - 11, size: 7, bold: true)
            try page.text("№ прибора", x: x.serial, y: y - 11, size: 7, bold: true)
            try page.textRight("Предыдущие", right: x.previous, y: y - 11, size: 7, bold: true)
            try page.textRight("Текущие", right: x.current, y: y - 11, size: 7, bold: true)
            try page.textRight("Поверка до", right: x.verified, y: y - 11, size: 7, bold: true)
        }
        // A meter whose service was billed by an estimate says so where its reading would be (and
        // its verification date beside it says why, when that is the reason), with the point of
        // Rules 354: a reading taken past the verification date is not billed from.
        let estimated = Dictionary(
            epd.principals.flatMap(\.lines).compactMap { line -> (String, String)? in
                let failed = line.methodNote?.hasPrefix("поверка") ?? false
                return switch line.method {
                case "average": (line.serviceName, failed ? "среднее, п. 59а" : "среднее, п. 59б")
                case "norm": (line.serviceName, "норматив, п. 60")
                case "norm x1.5": (line.serviceName, "норматив·1,5, п. 60")
                default: nil
                }
            }, uniquingKeysWith: { first, _ in first })
        func reading(_ value: EPDDocument.MeterLine.Reading?, service: String? = nil) -> String {
            if let service, let estimate = estimated[service] { return estimate }
            guard let value else { return "—" }
            return "\(formatMilli(value.valueMilli)) (\(value.takenOn.russian))"
        }
        // The unit goes with the service's name; a long name wraps, never cut.
        let names = epd.meters.map { meter in
            layout.page.wrapOnce(
                meter.unit.isEmpty
                    ? meter.serviceName : "\(meter.serviceName), \(EPDRenderer.printed(unit: meter.unit))",
                width: x.serial - x.service - 6, size: 7)
        }
        func figures(_ meter: EPDDocument.MeterLine, on page: HaruPage, y: Float) throws {
            try page.text(meter.serial, x: x.serial, y: y, size: 7)
            try page.textRight(reading(meter.previous), right: x.previous, y: y, size: 7)
            try page.textRight(reading(meter.current, service: meter.serviceName), right: x.current, y: y, size: 7)
            try page.textRight(meter.verifiedUntil.russian, right: x.verified, y: y, size: 7)
        }
        let height = 21 + names.reduce(Float(0)) { $0 + Float($1.count) * 9 }
        if layout.y - height >= EPDRenderer.bottom {
            let top = layout.y
            try layout.page.stamp(
                "meters\n" + names.map { $0.joined(separator: " ") }.joined(separator: "\n"), x: 0, y: top
            ) {
                page in
                try heading(on: page, y: 0)
                var y: Float = -21
                for lines in names {
                    for (index, line) in lines.enumerated() {
                        try page.text(line, x: x.service, y: y - Float(index) * 9, size: 7)
                    }
                    y -= Float(lines.count) * 9
                }
            }
            layout.y -= 21
            for (meter, lines) in zip(epd.meters, names) {
                try figures(meter, on: layout.page, y: layout.y)
                layout.y -= Float(lines.count) * 9
            }
            layout.y -= 5
            return
        }
        try layout.need(34, renderer: self)
        try layout.page.stamp("meters-header", x: 0, y: layout.y) { page in try heading(on: page, y: 0) }
        layout.y -= 21
        for (meter, lines) in zip(epd.meters, names) {
            try layout.need(Float(lines.count) * 9 + 1, renderer: self)
            let page = layout.page
            for (index, line) in lines.enumerated() {
                try page.text(line, x: x.service, y: layout.y - Float(index) * 9, size: 7)
            }
            try figures(meter, on: page, y: layout.y)
            layout.y -= Float(lines.count) * 9
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
            normLines = layout.page.wrapOnce(
                "Справочная информация. Нормативы потребления на одного человека в месяц: \(list)"
                    + (list.hasSuffix(".") ? "" : "."),
                width: width, size: 6.6)
        }
        let rules =
            (normLines.isEmpty && epd.house == nil ? "Справочная информация. " : "")
            + "Показания приборов учёта принимаются до \(epd.readingsDueDay) числа месяца: "
            + "\(epd.center.readingWays.trimmingSuffix(".")). Оплатить до \(epd.dueDate.russian): "
            + "\(epd.center.paymentWays.trimmingSuffix(".")); за просрочку начисляются пени (ч. 14 ст. 155 ЖК РФ)."
        let ruleLines = layout.page.wrapOnce(rules, width: width, size: 6.6)
        var houseLines: [String] = []
        if let house = epd.house {
            houseLines = layout.page.wrap(
                (normLines.isEmpty ? "Справочная информация. " : "") + Self.houseReference(house), width: width,
                size: 6.6)
        }
        // Forms: the norms (they differ between documents), the house's common property (the same
        // for every premises of the house) and the rules (the same for the period).
        for (name, lines) in [("norms", normLines), ("house", houseLines), ("rules", ruleLines)] where !lines.isEmpty {
            try layout.need(Float(lines.count) * 8 + (name == "rules" ? 4 : 0), renderer: self)
            try layout.page.stamp("\(name)\n" + lines.joined(separator: "\n"), x: EPDRenderer.left, y: layout.y) {
                page in
                for (index, line) in lines.enumerated() {
                    try page.text(line, x: 0, y: -Float(index) * 8, size: 6.6)
                }
            }
            layout.y -= Float(lines.count) * 8
        }
    }

    /// Раздел 4 for the common property: the house's areas and, per resource, the СОИ norm, the
    /// house meter's volume and the house's volumes of the period, own use and СОИ.
    static func houseReference(_ house: EPDDocument.HouseFigures) -> String {
        let figures = house.resources.map { item in
            let (name, unit) =
                switch item.resource {
                case .coldWater: ("холодная вода", "куб. м")
                case .hotWater: ("горячая вода", "куб. м")
                case .sewerage: ("водоотведение", "куб. м")
                case .electricity: ("электроэнергия", "кВт·ч")
                default: (item.resource.rawValue, "")
                }
            return "\(name) \(formatMicro(item.normMicro)); "
                + (item.meterMilli.map { formatMilli($0) } ?? "ОДПУ нет")
                + "; \(formatMilli(item.individualMilli)) / \(formatMilli(item.commonMilli)) \(unit)"
                + (item.carriedMilli < 0 ? ", к зачёту в следующих периодах \(formatMilli(-item.carriedMilli))" : "")
        }
        return "Общее имущество дома (СОИ): площадь \(Money(kopecks: house.commonAreaCenti).formatted()) кв. м, "
            + "площадь помещений дома \(Money(kopecks: house.premisesAreaCenti).formatted()) кв. м. "
            + "Норматив на СОИ на 1 кв. м в месяц; объём по ОДПУ за период; объём в доме: индивидуальный / на СОИ: "
            + figures.joined(separator: "; ") + "."
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
            + "ОГРН \(center.ogrn.value), \(center.address), тел. \(center.phone), \(center.email), \(center.website) "
            + "(банковские реквизиты: в платёжной части)"
        let centerLines = page.wrapOnce(centerText, width: width, size: 6.6)
        // The figures at fixed places beside their labels; the labels, the title, the center and
        // the head of the charges table are one form for each count of the payer's name and
        // address lines.
        let left = EPDRenderer.left
        let payerY = top - 16 - Float(centerLines.count) * 8 - 8
        let accountX = left + page.width(of: "Лицевой счёт: ", size: 9, bold: true)
        let payerLabelX = accountX + page.width(of: EPDRenderer.accountTemplate, size: 9, bold: true) + 18
        let payerX = payerLabelX + page.width(of: "Плательщик: ", size: 9, bold: true)
        let nameLines = page.wrap(epd.ownerName, width: EPDRenderer.right - payerX, size: 9, bold: true)
        let addressLines = page.wrap("Адрес: \(epd.address)", width: width, size: 9)
        let premisesY = payerY - Float(nameLines.count + addressLines.count) * 12
        let secondX = left + 190
        let areaX = left + page.width(of: "Общая площадь, кв. м: ", size: 9)
        let residentsX = secondX + page.width(of: "Проживает, чел.: ", size: 9)
        let sumX = left + page.width(of: "Сумма к оплате, руб.: ", size: 9, bold: true)
        let due = "Оплатить до \(epd.dueDate.russian)"
        let tableY = premisesY - 30
        let key = "header\n\(title)\n\(centerText)\n\(due)\n\(nameLines.count) \(addressLines.count)"
        try page.stamp(key, x: 0, y: top) { page in
            try page.text(title, x: left, y: 0, size: 12, bold: true)
            for (index, line) in centerLines.enumerated() {
                try page.text(line, x: left, y: -16 - Float(index) * 8, size: 6.6)
            }
            try page.text("Лицевой счёт:", x: left, y: payerY - top, size: 9, bold: true)
            try page.text("Плательщик:", x: payerLabelX, y: payerY - top, size: 9, bold: true)
            try page.text("Общая площадь, кв. м:", x: left, y: premisesY - top, size: 9)
            try page.text("Проживает, чел.:", x: secondX, y: premisesY - top, size: 9)
            try page.text("Сумма к оплате, руб.:", x: left, y: premisesY - top - 12, size: 9, bold: true)
            try page.text(due, x: secondX, y: premisesY - top - 12, size: 9, bold: true)
            try tableHead(on: page, y: tableY - top)
        }
        try page.text(epd.account.value, x: accountX, y: payerY, size: 9, bold: true)
        // ГИС ЖКХ's identifiers, right of the premises' area: the ЕЛС once given, the ИПД once
        // placed (the center's own number before).
        try page.textRight(
            (epd.unifiedAccount.map { "ЕЛС \($0) · " } ?? "")
                + (epd.documentId == nil ? "№ \(epd.documentNumber)" : "ИПД \(epd.documentNumber)"),
            right: EPDRenderer.right, y: premisesY, size: 8)
        var y = payerY
        for line in nameLines {
            try page.text(line, x: payerX, y: y, size: 9, bold: true)
            y -= 12
        }
        for line in addressLines {
            try page.text(line, x: left, y: y, size: 9)
            y -= 12
        }
        try page.text(Money(kopecks: epd.areaCenti).formatted(), x: areaX, y: premisesY, size: 9)
        try page.text("\(epd.residents)", x: residentsX, y: premisesY, size: 9)
        try page.text(epd.total.formatted(), x: sumX, y: premisesY - 12, size: 9, bold: true)
        return tableY - EPDRenderer.headHeight
    }

    /// The head of the charges table on a continuation page (a form); returns where lines start.
    func tableHeader(on page: HaruPage, y: Float) throws -> Float {
        try page.stamp("table-header", x: 0, y: y) { page in
            try tableHead(on: page, y: 0)
        }
        return y - EPDRenderer.headHeight
    }

    /// Draws the head of the charges table with its text baseline at `y`.
    func tableHead(on page: HaruPage, y: Float) throws {
        let c = EPDRenderer.columns
        try page.line(x1: EPDRenderer.left, y1: y + 10, x2: EPDRenderer.right, y2: y + 10)
        try page.text("Услуга", x: c.service, y: y, size: 8, bold: true)
        try page.text("Ед.", x: c.unit - 26, y: y, size: 8, bold: true)
        try page.textRight("Объём", right: c.volumeCommon - 18, y: y, size: 7.5, bold: true)
        try page.textRight("Тариф", right: c.tariff, y: y, size: 7.5, bold: true)
        try page.textRight("Начислено", right: c.chargedCommon - 16, y: y, size: 7.5, bold: true)
        try page.textRight("Перерасч.", right: c.recalculated, y: y, size: 7.5, bold: true)
        try page.textRight("Льготы", right: c.privileges, y: y, size: 7.5, bold: true)
        try page.textRight("Итого", right: c.amount, y: y, size: 7.5, bold: true)
        // The second row: the premises' own use and the common property's (СОИ), and the unit
        // of the sums.
        for (right, label) in [
            (c.volume, "индивид."), (c.volumeCommon, "СОИ"), (c.tariff, "руб."), (c.charged, "индивид."),
            (c.chargedCommon, "СОИ"), (c.recalculated, "руб."), (c.privileges, "руб."), (c.amount, "руб."),
        ] {
            try page.textRight(label, right: right, y: y - 8, size: 6.5)
        }
        try page.line(x1: EPDRenderer.left, y1: y - 11, x2: EPDRenderer.right, y2: y - 11)
    }
}
