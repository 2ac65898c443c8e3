/// One charge line: what a principal charges a premises for one service in one period.
public struct Charge: Sendable, Hashable, Codable {
    public var account: PersonalAccountNumber
    public var principalINN: String
    public var serviceCode: String
    public var period: BillingPeriod
    /// Volume in thousandths of the service's unit.
    public var volumeMilli: Int64
    /// Tariff in kopecks per unit.
    public var tariff: Money
    public var amount: Money

    public init(
        account: PersonalAccountNumber, principalINN: String, serviceCode: String, period: BillingPeriod,
        volumeMilli: Int64, tariff: Money, amount: Money
    ) {
        self.account = account
        self.principalINN = principalINN
        self.serviceCode = serviceCode
        self.period = period
        self.volumeMilli = volumeMilli
        self.tariff = tariff
        self.amount = amount
    }
}

/// Formats a quantity kept in thousandths (`12345` -> `12,345`), trimming trailing zeros to
/// at least `minimumFractionDigits`.
public func formatMilli(_ value: Int64, minimumFractionDigits: Int = 0) -> String {
    let negative = value < 0
    let magnitude = value.magnitude
    var fraction = String(magnitude % 1000)
    fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
    while fraction.count > minimumFractionDigits && fraction.hasSuffix("0") {
        fraction.removeLast()
    }
    let whole = String(magnitude / 1000)
    return (negative ? "-" : "") + whole + (fraction.isEmpty ? "" : "," + fraction)
}

/// Formats a non-negative quantity kept in millionths with its significant fraction digits
/// (`31000` -> `0,031`): the СОИ norms per m².
public func formatMicro(_ value: Int64) -> String {
    var fraction = String(value % 1_000_000)
    fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
    while fraction.hasSuffix("0") { fraction.removeLast() }
    return "\(value / 1_000_000)" + (fraction.isEmpty ? "" : ",\(fraction)")
}

/// Reads a non-negative quantity with up to three decimals (`12345.678` or `12345,678`) into
/// thousandths; nil for anything else (signs, exponents, spaces, more decimals, more than 12
/// whole digits).
public func parseMilli(_ text: String) -> Int64? {
    let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "." || $0 == "," })
    let isDigits = { (part: Substring) in !part.isEmpty && part.utf8.allSatisfy { (0x30...0x39).contains($0) } }
    guard (1...2).contains(parts.count), isDigits(parts[0]), parts[0].count <= 12, let whole = Int64(parts[0]) else {
        return nil
    }
    guard parts.count == 2 else { return whole * 1_000 }
    guard isDigits(parts[1]), parts[1].count <= 3, let fraction = Int64(parts[1]) else { return nil }
    return whole * 1_000 + fraction * [100, 10, 1][parts[1].count - 1]
}
