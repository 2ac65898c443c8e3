/// The center's personal account (лицевой счёт, ЛС) of a premises: 10 digits, a 2-digit
/// district code and 8 digits, no check digit.
///
/// It is what the ЕПД, the QR code's `PersAcc`, bank registries and the infomat use.
public struct PersonalAccountNumber: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let value: String

    public init(_ text: String) throws(RequisiteError) {
        guard let d = digits(of: text), d.count == 10 else {
            throw RequisiteError(code: .format, field: "personal account", reason: "must be 10 digits")
        }
        guard d[0] != 0 || d[1] != 0 else {
            throw RequisiteError(code: .format, field: "personal account", reason: "district code 00 is not used")
        }
        value = text
    }

    /// The 2-digit district code.
    public var district: String { String(value.prefix(2)) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }

    public var description: String { value }
}
