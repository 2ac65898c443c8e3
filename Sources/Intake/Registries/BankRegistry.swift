public import Core

/// A bank's registry of accepted payments, read and checked whole: every line, and the summary
/// line's count and totals against the lines.
public struct BankRegistry: Sendable, Hashable {
    public struct Payment: Sendable, Hashable {
        public var line: Int
        public var paidOn: CalendarDate
        public var operationId: String
        /// The account as written; it may belong to no premises (then the payment waits in
        /// suspense).
        public var account: String
        public var payer: String
        public var address: String
        public var period: BillingPeriod?
        /// What the payer paid; `transferred` is what reaches the center after the bank's fee.
        public var paid: Money
        public var transferred: Money
        public var fee: Money
        public var readings: [Reading]
        /// The principal and the service the payer designated (`Principal:INN`, `Service:CODE`
        /// after the amounts), paid first.
        public var principalINN: String?
        public var serviceCode: String?
    }

    /// A meter reading passed with a payment (`CounterId_N` and `CounterVal_N`).
    public struct Reading: Sendable, Hashable {
        public var meter: String
        public var valueMilli: Int64
        public init(meter: String, valueMilli: Int64) {
            self.meter = meter
            self.valueMilli = valueMilli
        }
    }

    public var payments: [Payment]
    public var paymentOrder: String
    public var paymentOrderDate: CalendarDate
    public var total: Money
    public var transferred: Money
    public var fee: Money
}

/// A bank's file (a registry of accepted payments, a statement) refused, with every problem and
/// its line and field: the file is refused whole.
public struct BankFileError: Error, Sendable, CustomStringConvertible {
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var field: String
        public var reason: String
        public var description: String { "\(line): \(field): \(reason)" }
    }

    public var file: String
    public var problems: [Problem]
    public var description: String {
        problems.map { "\(file):\($0)" }.joined(separator: "\n")
    }
}

extension BankRegistry {
    /// Reads `bytes` (a whole file) in `layout`; throws every problem found.
    public static func parse(
        _ bytes: [UInt8], layout: RegistryLayout, file: String
    ) throws(BankFileError) -> BankRegistry {
        var problems: [BankFileError.Problem] = []
        func problem(_ line: Int, _ field: String, _ reason: String) {
            problems.append(.init(line: line, field: field, reason: reason))
        }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) {
            guard layout.encoding == .utf8 else {
                throw BankFileError(
                    file: file,
                    problems: [
                        .init(
                            line: 1, field: "file",
                            reason: "has a UTF-8 byte-order mark, but the bank's registries are CP1251")
                    ])
            }
            body = body.dropFirst(3)
        }
        let text: String
        switch layout.encoding {
        case .utf8:
            guard let decoded = String(validating: body, as: UTF8.self) else {
                throw BankFileError(
                    file: file,
                    problems: [.init(line: 1, field: "file", reason: "is not valid UTF-8, the bank's registry charset")]
                )
            }
            text = decoded
        case .cp1251:
            guard let decoded = CP1251.decode(body) else {
                throw BankFileError(
                    file: file,
                    problems: [
                        .init(
                            line: 1, field: "file", reason: "has a byte that is not CP1251, the bank's registry charset"
                        )
                    ])
            }
            text = decoded
        }
        // CRLF is one Character in Swift: split on any line end.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var payments: [BankRegistry.Payment] = []
        var summary: (line: Int, fields: [Substring])?
        var seen: [String: Int] = [:]
        for (index, raw) in lines.enumerated() {
            let number = index + 1
            if raw.isEmpty { continue }
            if summary != nil {
                problem(number, "line", "comes after the summary line")
                continue
            }
            if raw.hasPrefix("=") {
                summary = (number, raw.dropFirst().split(separator: ";", omittingEmptySubsequences: false))
                continue
            }
            let fields = raw.split(separator: ";", omittingEmptySubsequences: false)
            guard fields.count >= layout.requiredFields else {
                problem(number, "line", "has \(fields.count) fields, the layout needs \(layout.requiredFields)")
                continue
            }
            func field(_ position: Int) -> String { String(fields[position]).trimmingSpaces }
            let count = problems.count
            let date = parseDate(field(layout.date))
            if date == nil { problem(number, "date", "'\(field(layout.date))' is not a date DD-MM-YYYY") }
            let operation = field(layout.operationId)
            if operation.isEmpty { problem(number, "operation id", "is empty") }
            if let earlier = seen[operation], !operation.isEmpty {
                problem(number, "operation id", "\(operation) appears on line \(earlier) too")
            }
            seen[operation] = seen[operation] ?? number
            let account = field(layout.account)
            if account.isEmpty { problem(number, "account", "is empty") }
            var period: BillingPeriod?
            let periodText = field(layout.period)
            if !periodText.isEmpty {
                period = parsePeriod(periodText)
                if period == nil { problem(number, "period", "'\(periodText)' is not a period MMYY") }
            }
            var amounts: [Money] = []
            for (name, position) in [("paid", layout.paid), ("transferred", layout.transferred), ("fee", layout.fee)] {
                if let amount = Money(parsing: field(position)), amount.kopecks >= 0 {
                    amounts.append(amount)
                } else {
                    problem(number, name, "'\(field(position))' is not an amount")
                }
            }
            if amounts.count == 3, amounts[0].kopecks == 0 { problem(number, "paid", "a payment of zero") }
            if amounts.count == 3, amounts[1] + amounts[2] != amounts[0] {
                problem(
                    number, "transferred",
                    "\(amounts[1].decimalString) + fee \(amounts[2].decimalString) is not the \(amounts[0].decimalString) paid"
                )
            }
            var readings: [BankRegistry.Reading] = []
            var meters: [String: String] = [:]
            var values: [String: String] = [:]
            var principalINN: String?
            var serviceCode: String?
            for extra in fields.dropFirst(layout.extras) {
                let parts = extra.split(separator: ":", maxSplits: 1)
                guard parts.count == 2 else { continue }
                if parts[0].hasPrefix("CounterId_") { meters[String(parts[0].dropFirst(10))] = String(parts[1]) }
                if parts[0].hasPrefix("CounterVal_") { values[String(parts[0].dropFirst(11))] = String(parts[1]) }
                if parts[0] == "Principal" {
                    let inn = String(parts[1]).trimmingSpaces
                    if (try? INN(inn)) == nil {
                        problem(number, "Principal", "'\(inn)' is not an INN (10 or 12 digits with their check digits)")
                    }
                    principalINN = inn
                }
                if parts[0] == "Service" {
                    let code = String(parts[1]).trimmingSpaces
                    if code.isEmpty || code.count > 32
                        || !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
                    {
                        problem(number, "Service", "'\(code)' is not a service code")
                    }
                    serviceCode = code
                }
            }
            for (key, meter) in meters.sorted(by: { $0.key < $1.key }) {
                if let text = values[key], let value = parseReading(text) {
                    readings.append(.init(meter: meter, valueMilli: value))
                }
            }
            guard problems.count == count, let date else { continue }
            payments.append(
                .init(
                    line: number, paidOn: date, operationId: operation, account: account, payer: field(layout.payer),
                    address: field(layout.address), period: period, paid: amounts[0], transferred: amounts[1],
                    fee: amounts[2], readings: readings, principalINN: principalINN, serviceCode: serviceCode))
        }
        guard let summary else {
            problem(lines.count, "summary", "the file has no summary line (=count;paid;transferred;fee;order;date)")
            throw BankFileError(file: file, problems: problems)
        }
        let s = summary.fields.map { String($0).trimmingSpaces }
        guard s.count >= 6 else {
            problem(summary.line, "summary", "has \(s.count) fields, it needs 6")
            throw BankFileError(file: file, problems: problems)
        }
        let lineCount = lines.filter { !$0.isEmpty && !$0.hasPrefix("=") }.count
        if Int(s[0]) != lineCount { problem(summary.line, "count", "says \(s[0]) payments, the file has \(lineCount)") }
        var totals: [Money] = []
        for (index, name) in ["total paid", "total transferred", "total fee"].enumerated() {
            guard let said = Money(parsing: s[index + 1]) else {
                problem(summary.line, name, "'\(s[index + 1])' is not an amount")
                continue
            }
            totals.append(said)
        }
        if problems.isEmpty, totals.count == 3 {
            let sums = [
                payments.reduce(Money.zero) { $0 + $1.paid }, payments.reduce(Money.zero) { $0 + $1.transferred },
                payments.reduce(Money.zero) { $0 + $1.fee },
            ]
            for (index, name) in ["total paid", "total transferred", "total fee"].enumerated()
            where totals[index] != sums[index] {
                problem(
                    summary.line, name,
                    "says \(totals[index].decimalString), the lines add up to \(sums[index].decimalString)")
            }
        }
        if s[4].isEmpty { problem(summary.line, "payment order", "is empty") }
        let orderDate = parseDate(s[5])
        if orderDate == nil { problem(summary.line, "payment order date", "'\(s[5])' is not a date DD-MM-YYYY") }
        if let orderDate {
            // A payment is made before the bank transfers it, and in a period erc keeps.
            for payment in payments where payment.paidOn > orderDate || payment.paidOn.year < 2000 {
                problem(
                    payment.line, "date",
                    payment.paidOn.year < 2000
                        ? "\(payment.paidOn) is before 2000, outside the periods erc keeps"
                        : "paid on \(payment.paidOn), after the registry's payment order of \(orderDate)")
            }
            problems.sort { $0.line < $1.line }
        }
        guard problems.isEmpty, let orderDate, totals.count == 3 else {
            throw BankFileError(file: file, problems: problems)
        }
        return BankRegistry(
            payments: payments, paymentOrder: s[4], paymentOrderDate: orderDate, total: totals[0],
            transferred: totals[1],
            fee: totals[2])
    }

    /// `DD-MM-YYYY` (or with dots or slashes).
    static func parseDate(_ text: String) -> CalendarDate? {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "." || $0 == "/" })
        guard parts.count == 3, parts[0].count == 2, parts[1].count == 2, parts[2].count == 4,
            let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2])
        else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    /// `MMYY`: the period a payment is for.
    static func parsePeriod(_ text: String) -> BillingPeriod? {
        guard text.count == 4, let month = Int(text.prefix(2)), let year = Int(text.suffix(2)) else { return nil }
        return BillingPeriod(year: 2000 + year, month: month)
    }

    /// A reading with a decimal point, to thousandths: `00123.450`, `045120`.
    static func parseReading(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 9, parts[0].allSatisfy(\.isASCII),
            let whole = Int64(parts[0])
        else { return nil }
        var milli = whole * 1_000
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...3).contains(fraction.count), let digits = Int64(fraction) else { return nil }
            milli += digits * [100, 10, 1][fraction.count - 1]
        }
        return milli
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
