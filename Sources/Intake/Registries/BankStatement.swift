public import Core
public import Storage

/// A bank statement in the 1C client-bank exchange format (`1CClientBankExchange`, DOMAIN.md
/// 5.2): `Key=Value` lines, one `СекцияДокумент=...` to `КонецДокумента` section per payment
/// order. erc keeps the orders paid to the center (the bank's transfers of registries'
/// money): number, date, amount, payer, purpose, to set against the registries' summaries.
public struct BankStatement: Sendable, Hashable {
    public struct Order: Sendable, Hashable {
        /// The line of the section's first line in the file.
        public var line: Int
        public var number: String
        public var date: CalendarDate
        public var amount: Money
        public var payerINN: String
        public var payer: String
        public var recipientAccount: String
        public var purpose: String
    }

    public var orders: [Order]

    /// Reads a statement, UTF-8 or CP1251 (Cyrillic CP1251 text is never valid UTF-8, so the
    /// bytes tell, whatever the `Кодировка=` line says); every problem is listed with its line,
    /// and a file with one is refused whole.
    public static func parse(_ bytes: [UInt8], file: String) throws(BankFileError) -> BankStatement {
        guard let text = String(validating: bytes, as: UTF8.self) ?? CP1251.decode(bytes) else {
            throw BankFileError(
                file: file, problems: [.init(line: 1, field: "file", reason: "neither UTF-8 nor CP1251 text")])
        }
        var problems: [BankFileError.Problem] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { line in String(line.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()) }
        guard lines.first == "1CClientBankExchange" else {
            throw BankFileError(
                file: file, problems: [.init(line: 1, field: "file", reason: "not a 1CClientBankExchange statement")])
        }
        var orders: [Order] = []
        var section: (line: Int, fields: [String: String])?
        var ended = false
        for (index, line) in lines.enumerated() {
            let number = index + 1
            if line.hasPrefix("СекцияДокумент=") {
                if section != nil {
                    problems.append(
                        .init(
                            line: number, field: "СекцияДокумент", reason: "the previous document has no КонецДокумента"
                        ))
                }
                section = (number, [:])
            } else if line == "КонецДокумента" {
                guard let open = section else {
                    problems.append(.init(line: number, field: "КонецДокумента", reason: "no document is open"))
                    continue
                }
                section = nil
                if let order = order(open.fields, line: open.line, &problems) { orders.append(order) }
            } else if line == "КонецФайла" {
                ended = true
            } else if var open = section, let equals = line.firstIndex(of: "=") {
                open.fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
                section = open
            }
        }
        if let open = section {
            problems.append(.init(line: open.line, field: "СекцияДокумент", reason: "no КонецДокумента"))
        }
        if !ended { problems.append(.init(line: lines.count, field: "КонецФайла", reason: "the file is cut short")) }
        guard problems.isEmpty else { throw BankFileError(file: file, problems: problems) }
        return BankStatement(orders: orders)
    }

    private static func order(_ f: [String: String], line: Int, _ problems: inout [BankFileError.Problem]) -> Order? {
        let before = problems.count
        let number = f["Номер"] ?? ""
        if number.isEmpty { problems.append(.init(line: line, field: "Номер", reason: "missing")) }
        let date = f["Дата"].flatMap(dayMonthYear)
        if date == nil {
            problems.append(.init(line: line, field: "Дата", reason: "'\(f["Дата"] ?? "")' is not a date DD.MM.YYYY"))
        }
        let amount = f["Сумма"].flatMap { Money(parsing: $0) }.flatMap { $0.kopecks > 0 ? $0 : nil }
        if amount == nil {
            problems.append(.init(line: line, field: "Сумма", reason: "'\(f["Сумма"] ?? "")' is not an amount"))
        }
        guard problems.count == before, let date, let amount else { return nil }
        return Order(
            line: line, number: number, date: date, amount: amount, payerINN: f["ПлательщикИНН"] ?? "",
            payer: f["Плательщик"] ?? f["Плательщик1"] ?? "",
            recipientAccount: f["ПолучательСчет"] ?? f["ПолучательРасчСчет"] ?? "",
            purpose: f["НазначениеПлатежа"] ?? "")
    }

    private static func dayMonthYear(_ text: String) -> CalendarDate? {
        let parts = text.split(separator: ".")
        guard parts.count == 3, let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]) else { return nil }
        return CalendarDate(year: y, month: m, day: d)
    }
}

/// Stores the payment orders of bank statements, each once (by bank, number and date: the same
/// order in two overlapping statements counts once).
public struct BankStatementImporter {
    let connection: any Connection
    let bank: String

    public init(connection: any Connection, bank: String) {
        self.connection = connection
        self.bank = bank
    }

    /// Returns the orders in the file and how many were new.
    public func importFile(bytes: [UInt8], name: String) throws -> (orders: Int, added: Int) {
        let statement = try BankStatement.parse(bytes, file: name)
        return try connection.withTransaction {
            var added = 0
            for order in statement.orders {
                let stored = try connection.first(
                    """
                    INSERT INTO bank_statement_orders (bank, number, order_date, amount, payer_inn, payer, recipient_account,
                                                       purpose, file_name, line)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (bank, number, order_date) DO NOTHING RETURNING number
                    """,
                    [
                        bank, order.number, order.date, order.amount, order.payerINN, order.payer,
                        order.recipientAccount,
                        order.purpose, name, order.line,
                    ])
                if stored != nil { added += 1 }
            }
            return (statement.orders.count, added)
        }
    }
}
