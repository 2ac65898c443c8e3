public import Core
import Dispatch
public import Storage
import Synchronization

/// What a billing run did.
public struct BillingSummary: Sendable, Hashable {
    public var period: BillingPeriod
    public var statements: Int
    public var lines: Int
    public var total: Money
    /// Total charged per principal INN.
    public var perPrincipal: [String: Money]
}

/// Turns the journal's postings for a period into one statement per premises: every
/// principal's lines for that premises together, in a fixed order (principal INN, service code).
///
/// The premises are cut into batches that workers claim from `billing_batches`, each on its own
/// connection; a batch is computed from a read, then its statements are replaced in one short
/// transaction together with the batch's mark. Repeatable: the same journal gives the same rows.
/// Resumable: a run killed halfway is finished by running it again with the same period and
/// as-of day; the batches already done are kept.
public struct BillingRun {
    let connection: any Connection
    /// Opens a worker's own connection; nil for a run on one connection.
    let connect: (@Sendable () throws -> any Connection)?
    public let period: BillingPeriod
    /// The day the run counts as of; part of its inputs, never the wall clock.
    public let asOf: CalendarDate
    /// Premises per batch: each batch is read, then written, so memory stays flat.
    public var batchSize = 2_000
    /// Worker connections billing batches at once.
    public var workers = 1

    /// A run on one connection.
    public init(connection: any Connection, period: BillingPeriod, asOf: CalendarDate) {
        self.connection = connection
        self.connect = nil
        self.period = period
        self.asOf = asOf
    }

    /// A run of `workers` workers, each with its own connection to `location`.
    public init(location: DatabaseLocation, connection: any Connection, period: BillingPeriod, asOf: CalendarDate, workers: Int) {
        self.connection = connection
        self.connect = { try location.connect() }
        self.period = period
        self.asOf = asOf
        self.workers = max(1, workers)
    }

    public func run(progress: @Sendable (_ done: Int, _ batches: Int) -> Void = { _, _ in }) throws -> BillingSummary {
        if try PeriodLock(connection: connection).isClosed(period) {
            throw BillingError(
                code: .periodClosed,
                message: "\(period) is closed; its statements stay as they are, changes go to \(period.next) as recalculations")
        }
        let (runId, batches) = try prepare()
        let biller = BatchBiller(period: period, asOf: asOf)
        if let connect, workers > 1 {
            try parallel(biller, connect, runId: runId, batches: batches, progress: progress)
        } else {
            try biller.work(on: connection, runId: runId, batches: batches, progress: progress)
        }
        try connection.execute(
            "UPDATE billing_runs SET status = 'finished', finished_at = CAST(CURRENT_TIMESTAMP AS TEXT) WHERE id = ?", [runId])
        return try summary()
    }

    /// Runs `workers` workers at once, each on a connection of its own.
    private func parallel(
        _ biller: BatchBiller, _ connect: @Sendable () throws -> any Connection, runId: Int64, batches: Int,
        progress: @Sendable (_ done: Int, _ batches: Int) -> Void
    ) throws {
        let failures = FailureBox()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            do {
                try biller.work(on: try connect(), runId: runId, batches: batches, progress: progress)
            } catch {
                failures.record(error)
            }
        }
        if let failure = failures.first { throw failure }
    }

    /// Resumes the unfinished run of this period and day, or starts one: statements of premises
    /// that no longer have charges go, and the premises are cut into batches.
    func prepare() throws -> (runId: Int64, batches: Int) {
        try connection.withTransaction {
            if let open = try connection.first(
                "SELECT id, as_of FROM billing_runs WHERE period = ? AND status = 'running' ORDER BY id DESC", [period])
            {
                let id = try open.int64(0)
                if try open.string(1) == asOf.description {
                    try connection.execute("UPDATE billing_batches SET status = 'pending' WHERE run_id = ? AND status = 'claimed'", [id])
                    return (id, Int(try connection.scalar("SELECT COUNT(*) FROM billing_batches WHERE run_id = ?", [id])))
                }
                try connection.execute("UPDATE billing_runs SET status = 'abandoned' WHERE id = ?", [id])
            }
            let id = try connection.first(
                "INSERT INTO billing_runs (period, as_of, status) VALUES (?, ?, 'running') RETURNING id", [period, asOf]
            )!.int64(0)
            for table in ["statement_lines", "statements"] {
                try connection.execute(
                    """
                    DELETE FROM \(table) WHERE period = ? AND account_number NOT IN (
                        SELECT DISTINCT account_number FROM postings WHERE period = ? AND kind = 'charge')
                    """, [period, period])
            }
            // One ordered pass over the period's premises, cut every `batchSize` accounts; only
            // the boundaries are kept (a driver cannot write while a query streams).
            var boundaries: [(first: String, last: String)] = []
            var seen = 0
            var first = ""
            var last = ""
            try connection.query(
                "SELECT DISTINCT account_number FROM postings WHERE period = ? AND kind = 'charge' ORDER BY account_number",
                [period]
            ) { row in
                let account = try row.string(0)
                if seen % batchSize == 0 { first = account }
                last = account
                seen += 1
                if seen % batchSize == 0 { boundaries.append((first, last)) }
            }
            if seen % batchSize != 0 { boundaries.append((first, last)) }
            try connection.bulkInsert(
                into: "billing_batches", columns: ["run_id", "batch_no", "first_account", "last_account", "status"],
                rows: boundaries.enumerated().map { index, batch in
                    [.integer(id), .integer(Int64(index + 1)), .text(batch.first), .text(batch.last), .text("pending")]
                })
            let number = boundaries.count
            return (id, number)
        }
    }

    /// The run's result, read from the statements themselves.
    func summary() throws -> BillingSummary {
        let totals = try connection.first(
            "SELECT COUNT(*), COALESCE(SUM(total), 0), COALESCE(SUM(line_count), 0) FROM statements WHERE period = ?",
            [period])!
        var perPrincipal: [String: Money] = [:]
        try connection.query(
            """
            SELECT pr.inn, SUM(l.amount) FROM statement_lines l JOIN principals pr ON pr.id = l.principal_id
            WHERE l.period = ? GROUP BY pr.inn
            """, [period]
        ) { perPrincipal[try $0.string(0)] = try $0.money(1) }
        return BillingSummary(
            period: period, statements: try totals.int(0), lines: try totals.int(2), total: try totals.money(1),
            perPrincipal: perPrincipal)
    }

}

/// Bills claimed batches of one run; `Sendable`, so parallel workers share it, each with its
/// own connection.
struct BatchBiller: Sendable {
    let period: BillingPeriod
    let asOf: CalendarDate

    /// Claims batches until none is left.
    func work(
        on connection: any Connection, runId: Int64, batches: Int, progress: (_ done: Int, _ batches: Int) -> Void
    ) throws {
        while true {
            // The status test in the outer WHERE makes a concurrent claim of the same batch miss.
            guard let claimed = try connection.first(
                """
                UPDATE billing_batches SET status = 'claimed'
                WHERE run_id = ? AND status = 'pending' AND batch_no = (
                    SELECT MIN(batch_no) FROM billing_batches WHERE run_id = ? AND status = 'pending')
                RETURNING batch_no, first_account, last_account
                """, [runId, runId])
            else {
                if try connection.scalar(
                    "SELECT COUNT(*) FROM billing_batches WHERE run_id = ? AND status = 'pending'", [runId]) == 0
                {
                    return
                }
                continue
            }
            let number = try claimed.int(0)
            let rows = try compute(on: connection, from: try claimed.string(1), through: try claimed.string(2))
            try connection.withTransaction {
                for table in ["statement_lines", "statements"] {
                    try connection.execute(
                        "DELETE FROM \(table) WHERE period = ? AND account_number >= ? AND account_number <= ?",
                        [period, try claimed.string(1), try claimed.string(2)])
                }
                try connection.bulkInsert(
                    into: "statements", columns: ["period", "account_number", "line_count", "total", "as_of"],
                    rows: rows.statements)
                try connection.bulkInsert(
                    into: "statement_lines",
                    columns: [
                        "period", "account_number", "line_no", "principal_id", "service_code", "volume_milli", "tariff",
                        "amount",
                    ],
                    rows: rows.lines)
                try connection.execute(
                    "UPDATE billing_batches SET status = 'done' WHERE run_id = ? AND batch_no = ?", [runId, number])
            }
            let done = try connection.scalar(
                "SELECT COUNT(*) FROM billing_batches WHERE run_id = ? AND status = 'done'", [runId])
            progress(Int(done), batches)
        }
    }

    /// Reads a batch's charges and builds its statements and lines (nothing is written).
    func compute(on connection: any Connection, from first: String, through last: String) throws -> (
        statements: [[SQLValue]], lines: [[SQLValue]]
    ) {
        var statements: [[SQLValue]] = []
        var lines: [[SQLValue]] = []
        var current: String?
        var lineNo = 0
        var statementTotal = Money.zero
        func closeStatement() {
            guard let account = current else { return }
            statements.append([
                period.sqlValue, .text(account), .integer(Int64(lineNo)), .integer(statementTotal.kopecks),
                asOf.sqlValue,
            ])
        }
        // Principals that are not active are not billed.
        try connection.query(
            """
            SELECT p.account_number, p.principal_id, pr.inn, p.service_code,
                   SUM(COALESCE(p.volume_milli, 0)), MAX(COALESCE(p.tariff, 0)), SUM(p.amount)
            FROM postings p JOIN principals pr ON pr.id = p.principal_id
            WHERE p.period = ? AND p.kind = 'charge' AND pr.status = 'active'
              AND p.account_number >= ? AND p.account_number <= ?
            GROUP BY p.account_number, p.principal_id, pr.inn, p.service_code
            ORDER BY p.account_number, pr.inn, p.service_code
            """,
            [period, first, last]
        ) { row in
            let account = try row.string(0)
            if account != current {
                closeStatement()
                current = account
                lineNo = 0
                statementTotal = .zero
            }
            lineNo += 1
            let amount = try row.money(6)
            statementTotal += amount
            lines.append([
                period.sqlValue, .text(account), .integer(Int64(lineNo)), .integer(try row.int64(1)),
                .text(try row.string(3)), .integer(try row.int64(4)), .integer(try row.int64(5)),
                .integer(amount.kopecks),
            ])
        }
        closeStatement()
        return (statements, lines)
    }
}

/// The first error of parallel workers.
final class FailureBox: Sendable {
    private let state = Mutex<(any Error)?>(nil)
    func record(_ error: any Error) { state.withLock { if $0 == nil { $0 = error } } }
    var first: (any Error)? { state.withLock { $0 } }
}
