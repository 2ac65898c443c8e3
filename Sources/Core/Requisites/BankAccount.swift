/// A 20-digit bank account (расчётный счёт), checked by its control key against the BIC.
public struct BankAccount: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    /// A value of erc's own that a test checks (the demo center's), taken as it is.
    package init(known value: String) {
        self.value = value
    }

    /// A settlement account at the bank `bic`. Accounts at a Bank of Russia or treasury division
    /// (BIC digits 7-9 `000`-`002`) use the division's key; treasury `03...` accounts have no key.
    public init(_ text: String, bic: BIC) throws(RequisiteError) {
        guard let d = digits(of: text), d.count == 20 else {
            throw RequisiteError(code: .format, field: "account", reason: "must be 20 digits")
        }
        if d[0] == 0 && d[1] == 3 {
            value = text  // treasury account: the 9th digit is part of the code, not a key
            return
        }
        let prefix = BankAccount.keyPrefix(bic: bic, correspondent: false)
        guard BankAccount.keyHolds(prefix + d) else {
            throw RequisiteError(
                code: .bankMismatch, field: "account", reason: "control key does not match the BIC")
        }
        value = text
    }

    /// A correspondent account (`30101...`) of the bank `bic`: the key is computed with
    /// `0` + BIC digits 5-6, and its last three digits are the BIC's.
    public init(correspondent text: String, bic: BIC) throws(RequisiteError) {
        guard let d = digits(of: text), d.count == 20 else {
            throw RequisiteError(code: .format, field: "correspondent account", reason: "must be 20 digits")
        }
        let b = bic.digitValues
        guard d[0...4] == [3, 0, 1, 0, 1], Array(d[17...19]) == Array(b[6...8]) else {
            throw RequisiteError(
                code: .bankMismatch, field: "correspondent account",
                reason: "must start with 30101 and end with the BIC's last three digits")
        }
        guard BankAccount.keyHolds(BankAccount.keyPrefix(bic: bic, correspondent: true) + d) else {
            throw RequisiteError(
                code: .bankMismatch, field: "correspondent account",
                reason: "control key does not match the BIC")
        }
        value = text
    }

    static let weights = [7, 1, 3]

    /// The three digits put before the account for its key: the BIC's last three for an account
    /// at a credit institution; `0` + BIC digits 5-6 for a correspondent account and for accounts
    /// at a Bank of Russia division (branch `000`-`002`) or a treasury body (BIC `01...`).
    static func keyPrefix(bic: BIC, correspondent: Bool) -> [Int] {
        let b = bic.digitValues
        let branch = b[6] * 100 + b[7] * 10 + b[8]
        if correspondent || branch <= 2 || b[1] == 1 {
            return [0, b[4], b[5]]
        }
        return [b[6], b[7], b[8]]
    }

    static func keyHolds(_ digits23: [Int]) -> Bool {
        digits23.enumerated().reduce(0) { $0 + ($1.element * weights[$1.offset % 3]) % 10 } % 10 == 0
    }

    /// Puts the right control key (digit 9) into a 20-digit account for the bank `bic`.
    /// Used by generators of synthetic data.
    public static func withKey(_ text: String, bic: BIC) -> BankAccount? {
        guard var d = digits(of: text), d.count == 20 else { return nil }
        let prefix = keyPrefix(bic: bic, correspondent: d[0...4] == [3, 0, 1, 0, 1])
        d[8] = 0
        let sum = (prefix + d).enumerated().reduce(0) { $0 + ($1.element * weights[$1.offset % 3]) % 10 }
        d[8] = (sum % 10) * 3 % 10
        let text = d.map(String.init).joined()
        if d[0...4] == [3, 0, 1, 0, 1] {
            return try? BankAccount(correspondent: text, bic: bic)
        }
        return try? BankAccount(text, bic: bic)
    }

    public var description: String { value }
}
