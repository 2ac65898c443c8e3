/// КПП: 9 characters, tax office (4 digits), reason (2 digits or capital Latin letters), number (3 digits).
public struct KPP: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    /// A value of erc's own that a test checks (the demo center's), taken as it is.
    package init(known value: String) {
        self.value = value
    }

    public init(_ text: String) throws(RequisiteError) {
        let bytes = Array(text.utf8)
        func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        func isLatinUpper(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }
        func refuse(_ reason: String) -> RequisiteError { RequisiteError(code: .format, field: "KPP", reason: reason) }
        guard bytes.count == 9 else {
            throw refuse(
                "must be 9 characters, not \(text.count): 4 digits, 2 digits or capital Latin letters, 3 digits")
        }
        guard bytes[0..<4].allSatisfy(isDigit) else {
            throw refuse("must begin with the tax office's 4 digits")
        }
        guard bytes[0..<2] != [48, 48] else {
            throw refuse(
                "begins with 00, which is no region's code: the first 4 digits are the tax office (region and office)")
        }
        guard bytes[4..<6].allSatisfy({ isDigit($0) || isLatinUpper($0) }) else {
            throw refuse("characters 5-6, the reason code, must be digits or capital Latin letters")
        }
        guard bytes[6..<9].allSatisfy(isDigit) else {
            throw refuse("must end with 3 digits (the number)")
        }
        value = text
    }

    public var description: String { value }
}
