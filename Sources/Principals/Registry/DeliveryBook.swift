public import Core
public import Storage

/// Why a delivery choice was refused.
public struct DeliveryError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// The customers' choices of delivery (paper, e-mail, both) with the days they consented: the
/// one owner of `delivery_consents`. Nothing is overwritten; the consent in force for an
/// account is the latest by its day, the center's own record (its commands, API and channels)
/// before an accounts file's on the same day.
public struct DeliveryBook {
    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    /// Records `consent`, by the center (`byCenter`) or proposed by a principal's file. The
    /// consent in force again (the same day, choice and address) changes nothing (false); a
    /// consent dated after `notAfter` (today, for the center) is refused.
    @discardableResult
    public func record(_ consent: DeliveryConsent, byCenter: Bool, notAfter: CalendarDate) throws -> Bool {
        if consent.consentedOn > notAfter {
            throw DeliveryError(
                description: "a consent dated \(consent.consentedOn.russian), after \(notAfter.russian)")
        }
        if let email = consent.email, let problem = DeliveryConsent.problem(withAddress: email) {
            throw DeliveryError(description: problem)
        }
        if consent.delivery.mailed, consent.email == nil {
            throw DeliveryError(description: "delivery by \(consent.delivery.rawValue) needs the e-mail address")
        }
        guard try connection.first("SELECT 1 FROM accounts WHERE number = ?", [consent.account]) != nil else {
            throw DeliveryError(description: "unknown account \(consent.account)")
        }
        if let inForce = try self.consent(of: consent.account), inForce.consentedOn == consent.consentedOn,
            inForce.delivery == consent.delivery, inForce.email == consent.email
        {
            return false
        }
        try connection.execute(
            """
            INSERT INTO delivery_consents (account_number, delivery, email, consented_on, by_center, source)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [
                consent.account, consent.delivery.rawValue, consent.email, consent.consentedOn, byCenter ? 1 : 0,
                consent.source,
            ])
        return true
    }

    /// The consents in force, one an account, for those that have one: a subquery with columns
    /// account_number, delivery, email, consented_on.
    public static let inForce = """
        (SELECT account_number, delivery, email, consented_on FROM (
            SELECT account_number, delivery, email, consented_on,
                   ROW_NUMBER() OVER (PARTITION BY account_number ORDER BY consented_on DESC, by_center DESC, id DESC) AS rn
            FROM delivery_consents) ranked WHERE rn = 1)
        """

    /// The consent in force for `account`, nil when it never chose (paper).
    public func consent(of account: String) throws -> DeliveryConsent? {
        // The same order as ``inForce``, for one account by its index.
        try connection.first(
            """
            SELECT delivery, email, consented_on FROM delivery_consents WHERE account_number = ?
            ORDER BY consented_on DESC, by_center DESC, id DESC LIMIT 1
            """, [account]
        ).map { row in
            DeliveryConsent(
                account: account, delivery: Delivery(rawValue: try row.string(0)) ?? .paper,
                email: try row.optionalString(1), consentedOn: try row.date(2), source: "")
        }
    }
}
