public import Core
import Principals
public import Storage

/// What the center owes one principal for a period: the money it collected for it, the fee
/// under the agreement in force, the payout, and where the payout goes.
public struct Payout: Sendable, Hashable, Codable {
    public var inn: String
    public var kpp: String
    public var name: String
    public var bankName: String
    public var bic: String
    public var account: String
    public var agreement: String
    public var payments: Int
    public var collected: Money
    public var fee: Money
    public var payout: Money
    /// Payments reversed in the period (positive), already taken from `collected`.
    public var reversed = Money.zero
    /// Advances refunded in the period (positive), already taken from `collected`.
    public var refunded = Money.zero
}

/// The payouts of a period for every principal with money collected: each from its agent's
/// report (`PrincipalSettlements.agentReport`), so the two always agree; their sum plus the fees
/// is the money taken.
public enum PayoutReport {
    public static func compute(connection: any Connection, period: BillingPeriod) throws -> [Payout] {
        var payouts: [Payout] = []
        let principals = try connection.all(
            """
            SELECT DISTINCT pr.inn, pr.kpp, pr.name, pr.bank_name, pr.bic, pr.account
            FROM postings p JOIN principals pr ON pr.id = p.principal_id
            WHERE p.period = ? AND p.kind = 'payment' ORDER BY pr.inn
            """, [period])
        for row in principals {
            let inn = try row.string(0)
            let report = try PrincipalSettlements(connection: connection, inn: inn).agentReport(period: period)
            var payout = Payout(
                inn: inn, kpp: try row.string(1), name: try row.string(2), bankName: try row.string(3),
                bic: try row.string(4), account: try row.string(5), agreement: report.agreementNumber,
                payments: report.lines.reduce(0) { $0 + $1.payments }, collected: report.collected, fee: report.fee,
                payout: report.payout)
            if let taken = try connection.first(
                """
                SELECT SUM(CASE WHEN p.note = 'refund' THEN 0 ELSE p.amount END),
                       SUM(CASE WHEN p.note = 'refund' THEN p.amount ELSE 0 END)
                FROM postings p JOIN principals pr ON pr.id = p.principal_id
                WHERE pr.inn = ? AND p.period = ? AND p.kind = 'payment' AND p.amount > 0
                """, [inn, period]), !taken.isNull(0)
            {
                payout.reversed = try taken.money(0)
                payout.refunded = try taken.money(1)
            }
            payouts.append(payout)
        }
        return payouts
    }

    /// The money taken in the period: every payment posting, whoever it went to.
    public static func moneyTaken(connection: any Connection, period: BillingPeriod) throws -> Money {
        Money(
            kopecks:
                -(try connection.scalar(
                    "SELECT SUM(amount) FROM postings WHERE period = ? AND kind = 'payment'", [period])))
    }
}
