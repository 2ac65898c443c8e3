/// How a customer gets the ЕПД: on paper (the print run), by e-mail, or both.
public enum Delivery: String, Sendable, Hashable, Codable, CaseIterable {
    case paper, email, both

    /// Whether the print run prints it.
    public var printed: Bool { self != .email }
    /// Whether `erc receipts send` e-mails it.
    public var mailed: Bool { self != .paper }
}

/// A customer's choice of delivery with the day they consented to it; the latest dated consent
/// is in force (the center's own record before a principal's file's on the same day).
public struct DeliveryConsent: Sendable, Hashable, Codable {
    public var account: String
    public var delivery: Delivery
    /// The address, for e-mail (required unless the delivery is paper).
    public var email: String?
    public var consentedOn: CalendarDate
    /// What recorded it: `erc premises delivery`, an API key, an accounts file's line.
    public var source: String

    public init(account: String, delivery: Delivery, email: String?, consentedOn: CalendarDate, source: String) {
        self.account = account
        self.delivery = delivery
        self.email = email
        self.consentedOn = consentedOn
        self.source = source
    }

    /// Why `email` is no address to send an ЕПД to, or nil.
    public static func problem(withAddress email: String) -> String? {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            email.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "<" && $0 != ">" })
        else { return "\(email) is not an e-mail address (name@domain, ASCII, no spaces)" }
        return nil
    }
}
