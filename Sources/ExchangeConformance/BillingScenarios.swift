public import Billing
public import Core
public import Demo
public import ERCTestSupport
import Intake
import Principals
public import Storage

/// Billing checked on a generated region, the same on every driver: the invariants of the books,
/// a re-run that adds nothing, a late reading corrected in the next open period, payments that
/// are never doubled. Each check throws a `RoundTripFailure` naming what broke.
public enum BillingScenarios {
    public static let period = BillingPeriod("2026-10")!

    /// Generates a region of `premises`, imports its files, records its payments; returns them.
    @discardableResult
    public static func loadRegion(
        _ connection: any Connection, premises: Int, seed: UInt64 = 11, in folder: TemporaryDirectory
    )
        throws -> DemoRegion.Files
    {
        let files = try DemoRegion(premisesCount: premises, seed: seed, period: period).write(to: folder.path)
        try CenterBook(connection: connection).set(.demo, from: period.firstDay, source: "test region")
        let importer = ExchangeImporter(
            connection: connection, readings: ReadingsFileRules(today: period.next.firstDay))
        for file in files.all { _ = try importer.importFile(at: file) }
        let book = PaymentBook(connection: connection)
        for payment in files.payments {
            _ = try book.record(
                IncomingPayment(
                    source: "test-bank", operationId: payment.operationId,
                    account: try PersonalAccountNumber(payment.account),
                    amount: payment.amount, paidOn: payment.paidOn))
        }
        return files
    }

    /// Every invariant of the books after billing `period`; returns the run's summary.
    @discardableResult
    public static func checkInvariants(_ connection: any Connection, files: DemoRegion.Files) throws -> BillingSummary {
        let summary = try BillingRun(
            database: Database(connection.location), period: period, asOf: period.next.firstDay
        ).run()
        let kind = "billing"
        // Per principal: opening + charged + recalculated - privileges + penalties - paid = closing.
        let imbalances = try ReceivablesLedger(database: Database(connection.location)).check(period: period)
        try expect(imbalances.isEmpty, kind, "the books do not balance: \(imbalances.prefix(3))")
        let turnover = try ReceivablesLedger(database: Database(connection.location)).turnover(period: period)
        var all = Turnover()
        for line in turnover.values { all += line }
        try expect(
            all == summary.turnover, kind, "the statements (\(summary.turnover)) differ from the ledger (\(all))")
        try expect(
            summary.total == all.closing, kind,
            "the statements ask for \(summary.total), the ledger closes at \(all.closing)")
        try expect(
            all.penalties.kopecks > 0 && all.privileges.kopecks > 0 && all.paid.kopecks > 0, kind,
            "the region should have penalties, privileges and payments: \(all)")
        // Each payment is allocated to the kopeck.
        let paid = files.payments.reduce(Money.zero) { $0 + $1.amount }
        try expect(all.paid == paid, kind, "payments recorded \(paid), the ledger shows \(all.paid) paid")
        let unbalanced = try connection.scalar(
            """
            SELECT COUNT(*) FROM payments y
            WHERE y.amount <> (SELECT -SUM(p.amount) FROM postings p WHERE p.payment_id = y.id)
            """)
        try expect(unbalanced == 0, kind, "\(unbalanced) payments are not allocated to the kopeck")
        // Fee + payout = money taken, per principal.
        for (inn, line) in turnover {
            let report = try PrincipalSettlements(connection: connection, inn: inn).agentReport(period: period)
            try expect(
                report.collected == line.paid, kind,
                "\(inn): the agent report collects \(report.collected), the ledger \(line.paid)")
            try expect(
                report.fee + report.payout == report.collected, kind, "\(inn): fee + payout differ from the money taken"
            )
        }
        // The payouts: one per principal paid, their sum plus the fees is the money taken.
        let payouts = try PayoutReport.compute(connection: connection, period: period)
        let taken = try PayoutReport.moneyTaken(connection: connection, period: period)
        try expect(taken == paid, kind, "money taken \(taken), payments \(paid)")
        let fees = payouts.reduce(Money.zero) { $0 + $1.fee }
        let payout = payouts.reduce(Money.zero) { $0 + $1.payout }
        try expect(
            payout + fees == taken && fees.kopecks > 0, kind,
            "payouts \(payout) + fees \(fees) are not the \(taken) taken")
        try expect(
            Set(payouts.map(\.inn)) == Set(turnover.filter { $0.value.paid.kopecks != 0 }.map(\.key)), kind,
            "payouts do not cover every principal paid")
        // Debtors and aging: the same debt, split the same way.
        let ledger = ReceivablesLedger(database: Database(connection.location))
        var debtorsAging = Aging()
        try ledger.debtors(period: period, asOf: period.next.firstDay) { debtorsAging += $0.aging }
        var ledgerAging = Aging()
        for (_, line) in try ledger.aging(period: period, asOf: period.next.firstDay) { ledgerAging += line }
        try expect(
            debtorsAging.total == ledgerAging.total && debtorsAging.total.kopecks > 0, kind,
            "debtors owe \(debtorsAging.total), the aging shows \(ledgerAging.total)")
        // A reconciliation act ends at the principal's closing balance.
        if let (inn, line) = turnover.first(where: { $0.value.paid.kopecks > 0 }) {
            let act = try ledger.act(
                principal: inn, account: nil, from: CalendarDate(iso: "2000-01-01")!,
                to: CalendarDate(iso: "2099-12-31")!)
            try expect(
                act.opening == .zero && act.closing == line.closing, kind,
                "the act of \(inn) closes at \(act.closing), the turnover at \(line.closing)")
        }
        return summary
    }

    /// The statements as text, in order, for comparing runs.
    public static func statements(_ connection: any Connection) throws -> [String] {
        var rows: [String] = []
        try connection.query(
            """
            SELECT s.account_number, s.line_count, s.total, s.opening, s.charged, s.recalculated, s.privileges,
                   s.penalties, s.paid, l.line_no, l.principal_id, l.service_code, l.volume_milli, l.tariff, l.amount,
                   l.closing, l.method
            FROM statements s JOIN statement_lines l ON l.period = s.period AND l.account_number = s.account_number
            WHERE s.period = ? ORDER BY s.account_number, l.line_no
            """, [period]
        ) { rows.append($0.values.map { "\($0)" }.joined(separator: "|")) }
        return rows
    }

    /// A second run on the same journal adds no posting and writes the same statements.
    /// Aging and debtors read in many small ranges on two connections at once equal the same
    /// reports read in one range on one connection, line for line.
    public static func checkParallelReports(_ location: DatabaseLocation) throws {
        let asOf = period.next.firstDay.adding(days: 45)
        let database = Database(location)
        let single = ReceivablesLedger(database: database).reading(workers: 1, rangeSize: 1_000_000)
        let parallel = ReceivablesLedger(database: database).reading(workers: 2, rangeSize: 7)
        let aging = try single.aging(period: period, asOf: asOf)
        try expect(
            !aging.isEmpty && aging == (try parallel.aging(period: period, asOf: asOf)), "reports",
            "aging differs in ranges")
        var one: [DebtorLine] = []
        var many: [DebtorLine] = []
        try single.debtors(period: period, asOf: asOf) { one.append($0) }
        try parallel.debtors(period: period, asOf: asOf) { many.append($0) }
        try expect(
            one.count > 100 && one == many, "reports", "debtors differ in ranges: \(one.count) against \(many.count)")
        try expect(one.map(\.account) == one.map(\.account).sorted(), "reports", "debtors out of account order")
    }

    public static func checkRerunAddsNothing(_ connection: any Connection) throws {
        let before = try statements(connection)
        let postings = try connection.scalar("SELECT COUNT(*) FROM postings")
        let again = try BillingRun(database: Database(connection.location), period: period, asOf: period.next.firstDay)
            .run()
        try expect(again.postingsAdded == 0, "re-run", "a second run added \(again.postingsAdded) postings")
        try expect(try connection.scalar("SELECT COUNT(*) FROM postings") == postings, "re-run", "the journal grew")
        try expect(try statements(connection) == before, "re-run", "the statements changed")
    }

    /// A reading that comes after the period closed: the next period posts the difference from
    /// what the estimate billed, and the closed period stays as it was.
    public static func checkLateReading(_ connection: any Connection) throws {
        let kind = "late reading"
        // A metered line billed on the average in October.
        guard
            let row = try connection.first(
                """
                SELECT l.account_number, l.principal_id, l.service_code, l.volume_milli FROM statement_lines l
                WHERE l.period = ? AND l.method = 'average' ORDER BY l.account_number, l.principal_id LIMIT 1
                """, [period])
        else { throw RoundTripFailure(kind: kind, message: "no line was billed on the average") }
        let account = try row.string(0)
        let principal = try row.int64(1)
        let service = try row.string(2)
        let estimated = try row.int64(3)
        let meter = try connection.first(
            "SELECT serial FROM meters WHERE account_number = ? AND principal_id = ? AND service_code = ?",
            [account, principal, service])!.string(0)
        let last = try connection.first(
            """
            SELECT value_milli FROM readings WHERE principal_id = ? AND meter_serial = ? AND period < ?
            ORDER BY taken_on DESC LIMIT 1
            """, [principal, meter, period])!.int64(0)
        try PeriodLock(connection: connection).close(period)
        let closed = try statements(connection)
        // The customer reads the meter in November: 1.5 units a month less than estimated.
        let actual = estimated * 2 - 3_000
        let november = period.next
        let ack = try ReadingIntake(connection: connection, today: CalendarDate(iso: "2026-11-30")!).submit(
            ReadingSubmission(
                account: try PersonalAccountNumber(account), meter: meter, valueMilli: last + actual,
                takenOn: CalendarDate(iso: "2026-11-20")!, channel: .web, receivedAt: "2026-11-20T10:00:00Z"))
        try expect(ack.period == november, kind, "the late reading counts for \(ack.period)")
        _ = try BillingRun(database: Database(connection.location), period: november, asOf: november.next.firstDay)
            .run()
        try expect(try statements(connection) == closed, kind, "the closed period's statements changed")
        let volume = try connection.scalar(
            """
            SELECT SUM(volume_milli) FROM postings WHERE account_number = ? AND principal_id = ? AND service_code = ?
                AND period = ? AND kind IN ('charge', 'recalculation')
            """, [account, principal, service, november])
        try expect(
            volume == actual - estimated, kind, "November holds \(volume), the reading leaves \(actual - estimated)")
        let imbalances = try ReceivablesLedger(database: Database(connection.location)).check(period: november)
        try expect(imbalances.isEmpty, kind, "the books of November do not balance: \(imbalances.prefix(3))")
    }

    /// The same payment twice is recorded once; a payment for one principal goes to it alone.
    public static func checkPayments(_ connection: any Connection) throws {
        let kind = "payments"
        let account = try connection.first(
            "SELECT account_number FROM statements WHERE period = ? AND total > 100000 ORDER BY account_number LIMIT 1",
            [period])!.string(0)
        let book = PaymentBook(connection: connection)
        let payment = IncomingPayment(
            source: "sber", operationId: "op-1", account: try PersonalAccountNumber(account),
            amount: Money(kopecks: 123_457),
            paidOn: CalendarDate(iso: "2026-11-03")!)
        let first = try book.record(payment)
        let count = try connection.scalar("SELECT COUNT(*) FROM postings")
        let second = try book.record(payment)
        try expect(second.wasRecordedBefore && second.id == first.id, kind, "a retry was recorded again")
        try expect(
            second.allocations.reduce(Money.zero) { $0 + $1.amount } == payment.amount, kind,
            "a retry answered differently")
        try expect(try connection.scalar("SELECT COUNT(*) FROM postings") == count, kind, "a retry added postings")
        try expect(
            first.allocations.reduce(Money.zero) { $0 + $1.amount } == payment.amount, kind, "the parts do not add up")
        let inn = first.allocations[0].principalINN
        var designated = payment
        designated.operationId = "op-2"
        designated.designation = PaymentAllocator.Designation(principalINN: inn)
        let own = try book.record(designated)
        try expect(
            own.allocations.allSatisfy { $0.principalINN == inn }, kind, "a payment to one principal went to others")
    }

    static func expect(_ condition: Bool, _ kind: String, _ message: String) throws {
        if !condition { throw RoundTripFailure(kind: kind, message: message) }
    }
}
