/// БИК: 9 digits identifying a bank (`04...`) or a treasury body (`01...`).
///
/// Only the form is checked here; whether the bank exists is a question for the Bank of
/// Russia's directory, which is data.
public struct BIC: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    /// A value of erc's own that a test checks (the demo center's), taken as it is.
    package init(known value: String) {
        self.value = value
    }

    /// The nine digits, as numbers (a BIC holds nothing else).
    var digitValues: [Int] { value.utf8.map { Int($0) - 48 } }

    public init(_ text: String) throws(RequisiteError) {
        guard let d = digits(of: text), d.count == 9 else {
            throw RequisiteError(code: .format, field: "BIC", reason: "must be 9 digits")
        }
        guard d[0] == 0, d[1] == 4 || d[1] == 1 else {
            throw RequisiteError(code: .format, field: "BIC", reason: "must start with 04 (bank) or 01 (treasury)")
        }
        value = text
    }

    public var description: String { value }
}
