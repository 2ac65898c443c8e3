public import Core
import Principals
public import Storage

/// What the center owes and reports to one principal for a period, computed from the journal
/// and written in the principal's exchange formats: the payments allocated to it, the agent's
/// report with the fee under its agreement, and its debtors.
///
/// Payments are postings of kind `payment` (negative: they reduce what is owed).
public struct PrincipalSettlements {
    let connection: any Connection
    let inn: String
    let principalId: Int64

    public init(connection: any Connection, inn: String) throws {
        self.connection = connection
        self.inn = inn
        principalId = try PrincipalRegistry(connection: connection).id(of: inn)
    }

    /// Streams the payments allocated to the principal in `period`.
    public func payments(period: BillingPeriod, _ body: (AllocatedPayment) throws -> Void) throws {
        try connection.query(
            """
            SELECT account_number, service_code, counts_from, amount, COALESCE(note, 'posting ' || CAST(id AS TEXT))
            FROM postings WHERE principal_id = ? AND period = ? AND kind = 'payment'
            ORDER BY counts_from, account_number, service_code, id
            """, [principalId, period]
        ) { row in
            try body(
                AllocatedPayment(
                    account: try PersonalAccountNumber(try row.string(0)), serviceCode: try row.string(1),
                    paidOn: try row.date(2), amount: -(try row.money(3)), source: try row.string(4)))
        }
    }

    /// The agent's report: per service, the payments and money collected, the fee under the
    /// agreement in force at the end of the period (rounded once per line), the payout. A
    /// payment reversed in the period counts one payment less and its money is taken back from
    /// what was collected (from an earlier period's too: the principal owes it back); a refund
    /// of an advance takes its money back.
    public func agentReport(period: BillingPeriod) throws -> AgentReport {
        guard
            let agreement = try PrincipalRegistry(connection: connection).agreement(
                principalId: principalId, on: period.lastDay)
        else {
            throw RegistryError(code: .notFound, message: "principal \(inn) has no agreement in force in \(period)")
        }
        let lines = try connection.all(
            """
            SELECT service_code, SUM(CASE WHEN amount < 0 THEN 1 WHEN note = 'refund' THEN 0 ELSE -1 END),
                   -SUM(amount)
            FROM postings
            WHERE principal_id = ? AND period = ? AND kind = 'payment'
            GROUP BY service_code ORDER BY service_code
            """, [principalId, period]
        ).map { row in
            let payments = try row.int(1)
            let collected = try row.money(2)
            return AgentReport.Line(
                serviceCode: try row.string(0), payments: payments, collected: collected,
                fee: agreement.fee.fee(collected: collected, payments: payments))
        }
        return AgentReport(agreementNumber: agreement.number, feeRule: agreement.fee.description, lines: lines)
    }

    /// Accounts that owe the principal money at the end of `period` (the debtors file): the
    /// ledger's debtors of this principal (`ReceivablesLedger.debtors`), so the file and
    /// `erc reconcile debtors` always agree; `oldestPeriod` is the oldest period not fully paid.
    public func debtors(
        period: BillingPeriod, minimumDebt: Money = Money(kopecks: 1), _ body: (Debtor) throws -> Void
    ) throws {
        try ReceivablesLedger(connection: connection).debtors(
            period: period, asOf: period.next.firstDay, principal: inn, minimumDebt: minimumDebt
        ) { line in
            try body(
                Debtor(
                    account: try PersonalAccountNumber(line.account), owner: line.owner, ownedUntil: line.ownedUntil,
                    address: line.address,
                    debt: line.debt, oldestPeriod: line.oldestPeriod))
        }
    }
}
