public import Core
import Principals
public import Storage

/// Numbers a period's statements in delivery order (`print_order`, which it alone writes):
/// postal code, street, house (shorter numbers first, so 9 comes before 10), entrance,
/// apartment (the same), account. Print runs read statements by ranges of it
/// (``StatementReader/Selection/delivery(_:)``).
public struct DeliveryOrder {
    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    /// Rebuilds the order of `period`; returns the number of documents. A print run leaves out
    /// `emailOnly` customers (their consent in force is e-mail only).
    @discardableResult
    public func build(period: BillingPeriod, leavingOutEmailOnly emailOnly: Bool = false) throws -> Int {
        try connection.withTransaction {
            try connection.execute("DELETE FROM print_order WHERE period = ?", [period])
            try connection.execute(
                """
                INSERT INTO print_order (period, seq, account_number)
                SELECT s.period,
                       ROW_NUMBER() OVER (ORDER BY h.postal_code, h.street, LENGTH(h.number), h.number, a.entrance,
                                                   LENGTH(a.apartment), a.apartment, s.account_number),
                       s.account_number
                FROM statements s JOIN accounts a ON a.number = s.account_number JOIN houses h ON h.code = a.house_code
                WHERE s.period = ? \(emailOnly ? Self.notEmailOnly : "")
                """, [period])
            return Int(try connection.scalar("SELECT COUNT(*) FROM print_order WHERE period = ?", [period]))
        }
    }

    static let notEmailOnly = """
        AND NOT EXISTS (SELECT 1 FROM \(DeliveryBook.inForce) c WHERE c.account_number = s.account_number
                        AND c.delivery = 'email')
        """

    /// The statements of `period` whose customers chose e-mail only (left out of print runs).
    public func emailOnly(period: BillingPeriod) throws -> Int {
        Int(
            try connection.scalar(
                """
                SELECT COUNT(*) FROM statements s WHERE s.period = ? AND EXISTS (
                    SELECT 1 FROM \(DeliveryBook.inForce) c WHERE c.account_number = s.account_number
                    AND c.delivery = 'email')
                """, [period]))
    }
}
