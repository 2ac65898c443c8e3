/// A requisite (INN, KPP, OGRN, BIC, bank account, personal account) that fails its check.
public struct RequisiteError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let base: String
        private init(_ base: String) { self.base = base }
        /// Wrong length or characters that are not allowed.
        public static let format = Code("format")
        /// The check digit or control key does not match.
        public static let checkDigit = Code("check digit")
        /// The account does not belong to the bank it names (BIC), or a corr. account mismatch.
        public static let bankMismatch = Code("bank mismatch")
        public var description: String { base }
    }

    public var code: Code
    /// Which requisite: "INN", "KPP", "OGRN", "BIC", "account", "correspondent account", "personal account".
    public var field: String
    /// What is wrong, for a person: never contains the value itself.
    public var reason: String

    public init(code: Code, field: String, reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}

func digits(of text: String) -> [Int]? {
    var result: [Int] = []
    result.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
        guard byte >= 48 && byte <= 57 else { return nil }
        result.append(Int(byte - 48))
    }
    return result
}
