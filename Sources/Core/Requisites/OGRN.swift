/// ОГРН (13 digits, organisation) or ОГРНИП (15 digits, sole proprietor), with its check digit.
public struct OGRN: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    /// A value of erc's own that a test checks (the demo center's), taken as it is.
    package init(known value: String) {
        self.value = value
    }

    public init(_ text: String) throws(RequisiteError) {
        guard let d = digits(of: text), d.count == 13 || d.count == 15 else {
            throw RequisiteError(code: .format, field: "OGRN", reason: "must be 13 (OGRN) or 15 (OGRNIP) digits")
        }
        guard let last = d.last, OGRN.checkDigit(d.dropLast()) == last else {
            throw RequisiteError(code: .checkDigit, field: "OGRN", reason: "check digit does not match")
        }
        value = text
    }

    /// (number mod 11) mod 10 for 12 digits, (number mod 13) mod 10 for 14; computed digit by digit.
    static func checkDigit(_ body: ArraySlice<Int>) -> Int {
        let modulus = body.count == 12 ? 11 : 13
        return body.reduce(0) { ($0 * 10 + $1) % modulus } % 10
    }

    /// Completes 12 or 14 digits with the check digit. Used by generators of synthetic data.
    public static func completing(_ prefix: String) -> OGRN? {
        guard let d = digits(of: prefix), d.count == 12 || d.count == 14 else { return nil }
        return try? OGRN(prefix + String(checkDigit(d[...])))
    }

    public var description: String { value }
}
