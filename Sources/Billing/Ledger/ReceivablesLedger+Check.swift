public import Core
import Principals
import Storage

extension ReceivablesLedger {
    /// Every invariant of the books for `period`, each broken one named: the period was billed
    /// by a run that finished over every premises, none in progress, and every premises the
    /// journal holds something for has its statement (``BillingRuns/completenessProblems(_:holdingLock:)``);
    /// per principal the turnover adds up to the closing balance; each premises' statement holds what the journal
    /// holds for it (a posting changed or added after billing shows here); each payment's
    /// allocation adds up to the payment; the payouts plus fees are the money taken.
    /// Principals that are not active (so on no statement) with a balance at the end of `period`:
    /// INN, status and the balance the journal holds for them.
    public func inactiveBalances(period: BillingPeriod) throws -> [(inn: String, status: String, balance: Money)] {
        try withConnection {
            let active = try PrincipalLifecycle(connection: $0).activeCondition(in: period, alias: "pr")
            return try $0.all(
                """
                SELECT pr.inn, pr.status, SUM(p.amount) FROM postings p JOIN principals pr ON pr.id = p.principal_id
                WHERE p.period <= ? AND NOT \(active) GROUP BY pr.inn, pr.status HAVING SUM(p.amount) <> 0
                ORDER BY pr.inn
                """, [period]
            ).map { (try $0.string(0), try $0.string(1), try $0.money(2)) }
        }
    }

    public func checkAll(period: BillingPeriod) throws -> (principals: Int, problems: [String]) {
        let turnover = try turnover(period: period)
        return try withConnection { connection in try checkAll(on: connection, period: period, turnover: turnover) }
    }

    private func checkAll(
        on connection: any Connection, period: BillingPeriod, turnover: [String: Turnover]
    ) throws -> (principals: Int, problems: [String]) {
        var problems = try BillingRuns(connection: connection).completenessProblems(period)
        problems += Self.imbalances(in: turnover).map(\.description)
        let active = try PrincipalLifecycle(connection: connection).activeCondition(in: period, alias: "pr")
        try connection.query(
            """
            SELECT s.account_number, s.total, COALESCE(j.balance, 0) FROM statements s
            LEFT JOIN (
                SELECT p.account_number, SUM(p.amount) AS balance FROM postings p
                JOIN principals pr ON pr.id = p.principal_id
                WHERE p.period <= ? AND \(active) GROUP BY p.account_number
            ) j ON j.account_number = s.account_number
            WHERE s.period = ? AND s.total <> COALESCE(j.balance, 0)
            ORDER BY s.account_number
            """, [period, period]
        ) { row in
            let statement = try row.money(1)
            let journal = try row.money(2)
            problems.append(
                "account \(try row.string(0)): the statement asks for \(statement.formatted()), the journal holds "
                    + "\(journal.formatted()) (difference \((journal - statement).formatted())); bill the period again")
        }
        try connection.query(
            """
            SELECT y.bank, y.operation_id, y.amount, COALESCE(a.allocated, 0) FROM payments y
            LEFT JOIN (SELECT payment_id, -SUM(amount) AS allocated FROM postings WHERE payment_id IS NOT NULL
                       GROUP BY payment_id) a ON a.payment_id = y.id
            WHERE y.posted_period = ? AND y.amount <> COALESCE(a.allocated, 0)
            ORDER BY y.bank, y.operation_id
            """, [period]
        ) { row in
            problems.append(
                "payment \(try row.string(0)) \(try row.string(1)): \(try row.money(2).formatted()) paid, "
                    + "\(try row.money(3).formatted()) allocated")
        }
        let payouts = try PayoutReport.compute(connection: connection, period: period)
        let taken = try PayoutReport.moneyTaken(connection: connection, period: period)
        let paidOut = payouts.reduce(Money.zero) { $0 + $1.payout + $1.fee }
        if paidOut != taken {
            problems.append(
                "payouts and fees add up to \(paidOut.formatted()), the money taken is \(taken.formatted())")
        }
        return (turnover.count, problems)
    }
}
