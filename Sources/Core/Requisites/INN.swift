/// ИНН: 10 digits for an organisation, 12 for a person or sole proprietor, with check digits.
public struct INN: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    /// A value of erc's own that a test checks (the demo center's), taken as it is.
    package init(known value: String) {
        self.value = value
    }

    public init(_ text: String) throws(RequisiteError) {
        guard let d = digits(of: text), d.count == 10 || d.count == 12 else {
            throw RequisiteError(code: .format, field: "INN", reason: "must be 10 or 12 digits")
        }
        if d.count == 10 {
            guard INN.check(d, weights: [2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[9] else {
                throw RequisiteError(code: .checkDigit, field: "INN", reason: "check digit does not match")
            }
        } else {
            guard INN.check(d, weights: [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[10],
                INN.check(d, weights: [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[11]
            else {
                throw RequisiteError(code: .checkDigit, field: "INN", reason: "check digits do not match")
            }
        }
        value = text
    }

    /// True for an organisation's 10-digit INN.
    public var isOrganisation: Bool { value.utf8.count == 10 }

    public var description: String { value }

    static func check(_ d: [Int], weights: [Int]) -> Int {
        zip(d, weights).reduce(0) { $0 + $1.0 * $1.1 } % 11 % 10
    }

    /// The check digits that complete a prefix of 9 (organisation) or 10 (person) digits.
    /// Used by generators of synthetic data.
    public static func completing(_ prefix: String) -> INN? {
        guard var d = digits(of: prefix) else { return nil }
        switch d.count {
        case 9:
            d.append(check(d, weights: [2, 4, 10, 3, 5, 9, 4, 6, 8]))
        case 10:
            d.append(check(d, weights: [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]))
            d.append(check(d, weights: [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]))
        default:
            return nil
        }
        return try? INN(d.map(String.init).joined())
    }
}
