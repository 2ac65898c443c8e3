/// КПП: 9 characters, tax office (4 digits), reason (2 digits or capital Latin letters), number (3 digits).
public struct KPP: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    public init(_ text: String) throws(RequisiteError) {
        let bytes = Array(text.utf8)
        func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        func isLatinUpper(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }
        guard bytes.count == 9,
            bytes[0..<4].allSatisfy(isDigit), bytes[0..<2] != [48, 48],
            bytes[4..<6].allSatisfy({ isDigit($0) || isLatinUpper($0) }),
            bytes[6..<9].allSatisfy(isDigit)
        else {
            throw RequisiteError(
                code: .format, field: "KPP",
                reason: "must be 9 characters: 4 digits, 2 digits or capital Latin letters, 3 digits")
        }
        value = text
    }

    public var description: String { value }
}
