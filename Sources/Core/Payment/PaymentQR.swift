/// The payload of a payment QR code per GOST R 56042-2014: an 8-byte service block
/// (`ST0001`, the charset flag, the separator) followed by `Key=Value` items.
///
/// Built with the five mandatory fields first (Name, PersonalAcc, BankName, BIC, CorrespAcc),
/// in the exact GOST casing; parsed with keys compared case-insensitively.
public struct PaymentQR: Sendable, Hashable {
    public enum Charset: UInt8, Sendable, Hashable {
        /// `ST00011`: Windows-1251, one byte per Cyrillic letter (a smaller symbol).
        case cp1251 = 0x31
        /// `ST00012`: UTF-8, the default.
        case utf8 = 0x32
        /// `ST00013`: KOI8-R, accepted when parsing only when the text is ASCII.
        case koi8r = 0x33

        /// The charset erc writes by its name: utf8 (or utf-8, st00012), cp1251 (or
        /// windows-1251, st00011), any case.
        public init?(name: String) {
            switch name.lowercased() {
            case "utf8", "utf-8", "st00012": self = .utf8
            case "cp1251", "windows-1251", "st00011": self = .cp1251
            default: return nil
            }
        }
    }

    public struct Field: Sendable, Hashable {
        public var key: String
        public var value: String
        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    public static let mandatoryKeys = ["Name", "PersonalAcc", "BankName", "BIC", "CorrespAcc"]
    /// Upper limits of value lengths (characters) from the standard's tables.
    static let limits: [String: Int] = [
        "name": 160, "personalacc": 20, "bankname": 45, "bic": 9, "correspacc": 20, "sum": 18,
        "purpose": 210, "payeeinn": 12, "payerinn": 12, "kpp": 9, "cbc": 20, "oktmo": 11,
    ]
    /// Separators to choose from, in order, when a value contains the previous ones.
    static let separators: [UInt8] = Array("|#;:^_~{}!$%&()*+,/@".utf8)

    public var charset: Charset
    public var fields: [Field]

    public init(charset: Charset = .utf8, fields: [Field]) {
        self.charset = charset
        self.fields = fields
    }

    /// The value of the first field named `key`, compared case-insensitively.
    public subscript(key: String) -> String? {
        let wanted = key.lowercased()
        return fields.first { $0.key.lowercased() == wanted }?.value
    }

    /// `Sum` read as kopecks.
    public var sum: Money? { self["Sum"].flatMap(Int64.init).map { Money(kopecks: $0) } }
}
