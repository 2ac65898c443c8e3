public import Core
import Principals
public import Storage

/// The billing runs of a database: which periods may be billed, whether a period's billing is
/// complete, and who is billing now. Billing, closing, rendering and the reconciliation check
/// ask it before they trust a period's statements.
public struct BillingRuns {
    /// The name of the lock a billing run holds (``RunLock``), and a period's close with it.
    public static let lockName = "billing"

    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    /// A run as `billing_runs` keeps it.
    public struct Run: Sendable, Hashable, CustomStringConvertible {
        public var id: Int64
        public var period: BillingPeriod
        public var asOf: CalendarDate
        public var status: String
        public var startedAt: String
        /// Who started (or last resumed) it: the program, its process and host.
        public var worker: String?
        /// Premises registered when it was cut into batches; nil for runs from before this was kept.
        public var premises: Int64?

        public var description: String {
            "run \(id) of \(period) as of \(asOf), started \(startedAt)" + (worker.map { " by \($0)" } ?? "")
        }
    }

    /// The latest run of `period` (the one its statements come from once it is finished).
    public func latest(of period: BillingPeriod) throws -> Run? {
        try connection.first(
            """
            SELECT id, period, as_of, status, started_at, worker, premises FROM billing_runs
            WHERE period = ? AND status <> 'abandoned' ORDER BY id DESC LIMIT 1
            """, [period]
        ).map(Self.run)
    }

    /// The unfinished run of any period, latest first.
    public func unfinished() throws -> Run? {
        try connection.first(
            """
            SELECT id, period, as_of, status, started_at, worker, premises FROM billing_runs
            WHERE status = 'running' ORDER BY id DESC LIMIT 1
            """
        ).map(Self.run)
    }

    private static func run(_ row: SQLRow) throws -> Run {
        Run(
            id: try row.int64(0), period: try row.period(1), asOf: try row.date(2), status: try row.string(3),
            startedAt: try row.string(4), worker: try row.optionalString(5), premises: try row.optionalInt64(6))
    }

    /// Who holds the billing lock now (a run in progress in another process); nil when free.
    public func activeHolder() throws -> RunLock.Holder? {
        try RunLock.holder(of: Self.lockName, at: connection.location)
    }

    /// The refusal for work that must not run beside a billing run in progress: who holds the
    /// lock and since when, and the run it is doing.
    public func inProgress(_ holder: RunLock.Holder, doing what: String) throws -> BillingError {
        let run = try unfinished().map { "; it bills \($0.period) as of \($0.asOf) (run \($0.id))" } ?? ""
        return BillingError(
            code: .runInProgress,
            message: "\(what): another process is billing: \(holder)\(run). Wait for it to finish "
                + "(erc bill --wait waits for it)")
    }

    // MARK: Which periods may be billed

    /// The first period ever billed here; nil before the first run.
    public func firstBilled() throws -> BillingPeriod? {
        try connection.first("SELECT MIN(period) FROM billing_runs").flatMap { $0.isNull(0) ? nil : try $0.period(0) }
    }

    /// The earliest period not closed, from the first period billed on; nil before the first run.
    public func firstOpen() throws -> BillingPeriod? {
        guard var period = try firstBilled() else { return nil }
        let closed = Set(
            try connection.all("SELECT period FROM closed_periods WHERE period >= ?", [period]).map { try $0.period(0) }
        )
        while closed.contains(period) { period = period.next }
        return period
    }

    /// Refuses a period that cannot be billed: an as-of day before it or more than a year after
    /// it, a closed period, one before the first period billed, one past the period after the
    /// first open one (and that one while the open one is unbilled), and, before anything was
    /// ever billed, a period in which no active principal has an agreement with tariffs or
    /// charges in force.
    public func checkBillable(_ period: BillingPeriod, asOf: CalendarDate) throws {
        // An as-of day before the period, or a year after it (a typo of the year), is refused.
        if asOf < period.firstDay || asOf > period.lastDay.adding(days: 366) {
            throw BillingError(
                code: .periodNotBillable,
                message: "--as-of \(asOf) is not a day to bill \(period) as of: it must fall from \(period.firstDay) "
                    + "to \(period.lastDay.adding(days: 366)) (by default \(period.next.firstDay))")
        }
        if try PeriodLock(connection: connection).isClosed(period) {
            throw BillingError(
                code: .periodClosed,
                message:
                    "\(period) is closed; its statements stay as they are, changes go to \(period.next) as recalculations"
            )
        }
        if let first = try firstBilled(), let open = try firstOpen() {
            if period < first {
                throw BillingError(
                    code: .periodNotBillable,
                    message: "\(period) is before \(first), the first period billed here: earlier debt is carried in "
                        + "as opening balances (accounts files), not billed")
            }
            guard period == open || period == open.next else {
                throw BillingError(
                    code: .periodNotBillable,
                    message: "\(period) cannot be billed: the first open period is \(open), and only it and "
                        + "\(open.next) can be billed; close \(open) first (erc period close --period \(open))")
            }
            // The period after the open one counts from what the open one billed.
            if period == open.next, try latest(of: open)?.status != "finished" {
                throw BillingError(
                    code: .periodNotBillable,
                    message: "\(period) cannot be billed before \(open), the first open period, is: "
                        + "run erc bill --period \(open) first")
            }
            return
        }
        let inForce = try connection.scalar(
            """
            SELECT COUNT(*) FROM principals pr
            WHERE \(try activeCondition(period))
              AND EXISTS (SELECT 1 FROM agreements g WHERE g.principal_id = pr.id AND g.effective_from <= ?)
              AND (EXISTS (SELECT 1 FROM tariffs t WHERE t.principal_id = pr.id AND t.effective_from <= ?)
                   OR EXISTS (SELECT 1 FROM postings p WHERE p.principal_id = pr.id AND p.period = ? AND p.kind = 'charge'))
            """, [period.lastDay, period.lastDay, period])
        if inForce == 0 {
            let files = try connection.first(
                "SELECT MIN(period), MAX(period) FROM import_files WHERE kind IN ('charges', 'accounts') AND period IS NOT NULL"
            )
            let hint =
                try files.flatMap {
                    $0.isNull(0) ? nil : " (the principals' files are for \(try $0.string(0)) to \(try $0.string(1)))"
                } ?? ""
            throw BillingError(
                code: .periodNotBillable,
                message: "nothing is in force in \(period): no active principal has an agreement and tariffs or "
                    + "charges for it\(hint); the first period billed must be one the principals' files cover")
        }
    }

    // MARK: What a run needs

    /// Refuses a run that would charge nothing in silence: every active principal's service the
    /// center calculates needs a tariff in force in `period` (and a per-resident one its norm),
    /// else every premises it serves would be charged zero. Names principal, service and count.
    public func checkTariffs(_ period: BillingPeriod) throws {
        var problems: [String] = []
        try connection.query(
            """
            SELECT pr.inn, pr.name, s.code, s.calculation,
                   CASE WHEN EXISTS (SELECT 1 FROM tariffs t WHERE t.principal_id = s.principal_id
                                     AND t.service_code = s.code AND t.effective_from <= ?) THEN 1 ELSE 0 END,
                   (SELECT COUNT(*) FROM principal_accounts pa WHERE pa.principal_id = s.principal_id)
            FROM services s JOIN principals pr ON pr.id = s.principal_id
            WHERE \(try activeCondition(period)) AND s.calculation <> 'supplied'
              AND (NOT EXISTS (SELECT 1 FROM tariffs t WHERE t.principal_id = s.principal_id AND t.service_code = s.code
                               AND t.effective_from <= ?)
                   OR (s.calculation = 'per-resident' AND s.norm_milli IS NULL))
            ORDER BY pr.inn, s.code
            """, [period.lastDay, period.lastDay]
        ) { row in
            let premises = try row.int64(5)
            guard premises > 0 else { return }
            let what = try row.int(4) == 0 ? "no tariff in force in \(period)" : "no norm per resident"
            problems.append(
                "principal \(try row.string(0)) (\(try row.string(1))), service \(try row.string(2)) "
                    + "(\(try row.string(3))): \(what), so its \(premises) premises would be charged nothing")
        }
        guard problems.isEmpty else {
            throw BillingError(
                code: .missingTariff,
                message: "\(period) cannot be billed:\n  " + problems.joined(separator: "\n  ")
                    + "\nImport the principal's tariffs (or principal) file, or suspend the principal",
                problems: problems)
        }
    }

    // MARK: Is a period's billing complete

    /// Why a period's statements cannot be trusted yet, cheaply: a run in progress, the latest
    /// run unfinished (its process killed), or premises registered after it started. Empty when
    /// the latest run finished over every premises there is. `holdingLock`: the caller holds the
    /// billing lock itself (closing), so no run can be in progress.
    public func runProblems(_ period: BillingPeriod, holdingLock: Bool = false) throws -> [String] {
        if !holdingLock, let holder = try activeHolder() {
            return [try inProgress(holder, doing: "the statements of \(period) are not final").message]
        }
        guard let run = try latest(of: period) else {
            return ["\(period) has not been billed: run erc bill --period \(period)"]
        }
        if run.status != "finished" {
            return [
                "billing \(run) is unfinished (its process stopped before the end): run erc bill --period \(period) "
                    + "--as-of \(run.asOf) to finish it"
            ]
        }
        if let premises = run.premises {
            let now = try connection.scalar("SELECT COUNT(*) FROM accounts")
            if now > premises {
                return ["\(now - premises) premises were registered after billing \(run) started: bill \(period) again"]
            }
        }
        return []
    }

    /// Every reason a period's statements are incomplete: ``runProblems(_:)``, and every premises
    /// whose journal holds something for the period (a balance, or a turnover of any kind) without
    /// a statement. Reads the whole journal up to the period.
    public func completenessProblems(_ period: BillingPeriod, holdingLock: Bool = false) throws -> [String] {
        var problems = try runProblems(period, holdingLock: holdingLock)
        guard problems.isEmpty else { return problems }
        var missing: [String] = []
        var count = 0
        try connection.query(
            """
            SELECT DISTINCT x.account_number FROM (
                SELECT p.account_number FROM postings p JOIN principals pr ON pr.id = p.principal_id
                WHERE \(try activeCondition(period)) AND p.period <= ?
                GROUP BY p.account_number, p.principal_id, p.service_code,
                         CASE WHEN p.period = ? AND p.kind <> 'opening' THEN p.kind ELSE '' END
                HAVING SUM(p.amount) <> 0
                    OR SUM(CASE WHEN p.period = ? AND p.kind = 'charge' THEN COALESCE(p.volume_milli, 0) ELSE 0 END) <> 0
            ) x
            WHERE NOT EXISTS (SELECT 1 FROM statements s WHERE s.period = ? AND s.account_number = x.account_number)
            ORDER BY x.account_number
            """, [period, period, period, period]
        ) { row in
            count += 1
            if missing.count < 10 { missing.append(try row.string(0)) }
        }
        if count > 0 {
            problems.append(
                "\(count) premises have charges, payments or balances for \(period) but no statement "
                    + "(\(missing.joined(separator: ", "))\(count > missing.count ? ", ..." : "")): bill \(period) again"
            )
        }
        return problems
    }

    /// Statements that no longer ask for what the journal holds for their premises (a file, a
    /// payment or a correction posted after the run): how many, a few accounts, and the sum.
    public func staleStatements(_ period: BillingPeriod) throws -> [String] {
        var accounts: [String] = []
        var count = 0
        var difference = Money.zero
        try connection.query(
            """
            SELECT s.account_number, COALESCE(j.balance, 0) - s.total FROM statements s
            LEFT JOIN (
                SELECT p.account_number, SUM(p.amount) AS balance FROM postings p
                JOIN principals pr ON pr.id = p.principal_id
                WHERE p.period <= ? AND \(try activeCondition(period)) GROUP BY p.account_number
            ) j ON j.account_number = s.account_number
            WHERE s.period = ? AND s.total <> COALESCE(j.balance, 0)
            ORDER BY s.account_number
            """, [period, period]
        ) { row in
            count += 1
            difference += try row.money(1)
            if accounts.count < 5 { accounts.append(try row.string(0)) }
        }
        guard count > 0 else { return [] }
        return [
            "\(count) statements of \(period) no longer hold what the journal holds (\(accounts.joined(separator: ", "))"
                + "\(count > accounts.count ? ", ..." : ""); \(difference.formatted()) руб. in all): something was posted after "
                + "the run; bill \(period) again"
        ]
    }

    /// Why a period's statements may not be closed or printed: ``completenessProblems(_:holdingLock:)``
    /// and ``staleStatements(_:)``.
    public func finalProblems(_ period: BillingPeriod, holdingLock: Bool = false) throws -> [String] {
        let problems = try completenessProblems(period, holdingLock: holdingLock)
        return problems.isEmpty ? try staleStatements(period) : problems
    }
}

extension BillingRuns {
    /// The principals on the period's statements: those active in it (their dated history), as
    /// an SQL condition on `principals pr`.
    func activeCondition(_ period: BillingPeriod) throws -> String {
        try PrincipalLifecycle(connection: connection).activeCondition(in: period, alias: "pr")
    }
}
