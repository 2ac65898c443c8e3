import Batches
public import Core
public import Logging
import Principals
public import Storage
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What a billing run did.
public struct BillingSummary: Sendable, Hashable {
    public var period: BillingPeriod
    public var statements: Int
    public var lines: Int
    /// What the statements ask to pay, all together (a negative closing is an advance).
    public var total: Money
    /// The statements' turnover, all principals together.
    public var turnover: Turnover
    /// The statements' turnover per principal INN.
    public var perPrincipal: [String: Turnover]
    /// Postings this run added to the journal (calculated charges, privileges, penalties, and
    /// their corrections); a re-run on the same inputs adds none.
    public var postingsAdded: Int
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
    let database: Database
    public let period: BillingPeriod
    /// The day the run counts as of; part of its inputs, never the wall clock.
    public let asOf: CalendarDate
    /// Premises per batch: each batch is read, then written, so memory stays flat.
    public var batchSize = 2_000
    /// Worker connections billing batches at once: by default the database's parallelism for
    /// writing (every core on PostgreSQL; on SQLite one writer with a reader computing ahead).
    public var workers: Int
    /// Who runs it, for whoever finds the billing lock taken meanwhile (erc: the command, its
    /// process and host, and since when).
    public var holder = RunLock.Holder(who: "a billing run", since: "")
    /// Wait for a run in progress in another process to finish, instead of refusing.
    public var waitForLock = false
    /// Told who holds the lock before a run that waits for it starts waiting.
    public var waiting: (RunLock.Holder) -> Void = { _ in }
    /// At debug level, where the run's time went (reading and computing, each step of writing).
    public var logger = Logger(label: "erc.billing")

    public init(database: Database, period: BillingPeriod, asOf: CalendarDate) {
        self.database = database
        self.period = period
        self.asOf = asOf
        self.workers = database.parallelism(for: .writing)
    }

    /// Bills the period: takes the billing lock (refused, or waits, while another process bills
    /// or closes), checks that the period may be billed and that every calculated service has
    /// its tariff, resumes the period's unfinished run or starts one, and bills every batch.
    public func run(progress: @Sendable (_ done: Int, _ batches: Int) -> Void = { _, _ in }) throws -> BillingSummary {
        try database.withConnection { connection in
            let runs = BillingRuns(connection: connection)
            let lock = try takeLock(runs)
            defer { lock.release() }
            try runs.checkBillable(period, asOf: asOf)
            try runs.checkTariffs(period)
            let revision = try RatesBook(connection: connection).currentRevision()
            var context = try BatchReader(connection: connection).context(
                period: period, asOf: asOf, ratesRevision: revision)
            let (runId, batches) = try prepare(on: connection, ratesRevision: revision, context: context)
            context.houses = try CommonPropertyPass(connection: connection, period: period).houses()
            var biller = BatchBiller(context: context, runId: runId)
            if logger.logLevel <= .debug { biller.trace = BillingTrace() }
            defer { if let trace = biller.trace { logger.debug("\(trace.report)", metadata: ["period": "\(period)"]) } }
            if workers > 1 {
                try parallel(biller, runId: runId, batches: batches, progress: progress)
            } else {
                try pipelined(biller, on: connection, runId: runId, batches: batches, progress: progress)
            }
            try connection.execute(
                "UPDATE billing_runs SET status = 'finished', finished_at = CAST(CURRENT_TIMESTAMP AS TEXT) WHERE id = ?",
                [runId])
            return try summary(on: connection, runId: runId)
        }
    }

    /// The billing lock, or the refusal naming who holds it; with `waitForLock`, once it is free.
    private func takeLock(_ runs: BillingRuns) throws -> RunLock {
        let name = BillingRuns.lockName
        if let lock = try RunLock.acquire(name, at: database.location, holder: holder) { return lock }
        let current = try runs.activeHolder() ?? RunLock.Holder(who: "another process", since: "")
        guard waitForLock else { throw try runs.inProgress(current, doing: "\(period) cannot be billed") }
        waiting(current)
        guard let lock = try RunLock.acquire(name, at: database.location, holder: holder, wait: true) else {
            throw try runs.inProgress(current, doing: "\(period) cannot be billed")
        }
        return lock
    }

    /// Runs `workers` workers at once, each on a connection of its own; the first to fail stops
    /// the others before their next batch.
    private func parallel(
        _ biller: BatchBiller, runId: Int64, batches: Int, progress: @Sendable (_ done: Int, _ batches: Int) -> Void
    ) throws {
        let database = database
        try withoutActuallyEscaping(progress) { progress in
            _ = try BatchRunner(name: "erc-billing").map(workers) { _ in
                try database.withConnection {
                    try biller.work(on: $0, runId: runId, batches: batches, progress: progress)
                }
            }
        }
    }

    /// One writer (this connection) and one reader of its own, on two cores: the reader computes
    /// the pending batches in order while the writer stores the ones before. For SQLite, whose
    /// single writer would make parallel workers wait on each other.
    private func pipelined(
        _ biller: BatchBiller, on connection: any Connection, runId: Int64, batches: Int,
        progress: @Sendable (_ done: Int, _ batches: Int) -> Void
    ) throws {
        let pending = try connection.all(
            "SELECT batch_no, first_account, last_account FROM billing_batches WHERE run_id = ? AND status <> 'done' ORDER BY batch_no",
            [runId]
        ).map { BatchBiller.Batch(number: try $0.int(0), first: try $0.string(1), last: try $0.string(2)) }
        var done = batches - pending.count
        let computed = BatchChannel<(BatchBiller.Batch, BatchBiller.Rows, Duration)>(capacity: 2)
        let database = database
        let reader: @Sendable () throws -> Void = {
            try database.withConnection { readConnection in
                let clock = ContinuousClock()
                for batch in pending {
                    let started = clock.now
                    let rows = try biller.compute(on: readConnection, from: batch.first, through: batch.last)
                    try computed.send((batch, rows, clock.now - started))
                }
            }
            computed.finish()
        }
        try BatchRunner(name: "erc-billing").run([reader], closingOnFailure: [computed]) {
            let clock = ContinuousClock()
            while let (batch, rows, computing) = try computed.next() {
                let started = clock.now
                try biller.write(rows, of: batch, on: connection)
                biller.trace?.add(read: computing, written: clock.now - started)
                done += 1
                progress(done, batches)
            }
        }
    }

    /// Resumes the unfinished run of this period and day, or starts one: statements of premises
    /// that no longer have charges go, and the premises are cut into batches. Called with the
    /// billing lock held, so an unfinished run is one whose process is gone: its claimed batches
    /// go back to pending. A run that premises were registered after is started anew, so that
    /// its batches cover them.
    ///
    /// A new run starts with the house pass (``CommonPropertyPass``), in the same transaction.
    func prepare(
        on connection: any Connection, ratesRevision: Int64, context: BillingContext
    ) throws -> (
        runId: Int64, batches: Int
    ) {
        try connection.withTransaction {
            let premises = try connection.scalar("SELECT COUNT(*) FROM accounts")
            if let open = try connection.first(
                """
                SELECT id, as_of, premises, rates_revision FROM billing_runs WHERE period = ? AND status = 'running'
                ORDER BY id DESC
                """,
                [period])
            {
                let id = try open.int64(0)
                // Resumed only on the same day, premises and rates: a run whose batches used other
                // rates is started anew.
                if try open.string(1) == asOf.description, try open.optionalInt64(2) == premises,
                    try open.optionalInt64(3) == ratesRevision
                {
                    try connection.execute(
                        "UPDATE billing_batches SET status = 'pending' WHERE run_id = ? AND status = 'claimed'", [id])
                    try connection.execute("UPDATE billing_runs SET worker = ? WHERE id = ?", [holder.who, id])
                    return (
                        id, Int(try connection.scalar("SELECT COUNT(*) FROM billing_batches WHERE run_id = ?", [id]))
                    )
                }
                try connection.execute("UPDATE billing_runs SET status = 'abandoned' WHERE id = ?", [id])
            }
            let id = try connection.one(
                """
                INSERT INTO billing_runs (period, as_of, status, worker, premises, rates_revision)
                VALUES (?, ?, 'running', ?, ?, ?) RETURNING id
                """,
                [period, asOf, holder.who, premises, ratesRevision]
            ).int64(0)
            // One ordered pass over the period's premises, cut every `batchSize` accounts; only
            // the boundaries are kept (a driver cannot write while a query streams).
            var boundaries: [(first: String, last: String)] = []
            var seen = 0
            var first = ""
            var last = ""
            try connection.query("SELECT number FROM accounts ORDER BY number") { row in
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
            _ = try CommonPropertyPass(connection: connection, period: period).run(context: context)
            return (id, number)
        }
    }

    /// The run's result, read from the statements themselves.
    func summary(on connection: any Connection, runId: Int64) throws -> BillingSummary {
        let totals = try connection.one(
            "SELECT COUNT(*), COALESCE(SUM(total), 0), COALESCE(SUM(line_count), 0) FROM statements WHERE period = ?",
            [period])
        var perPrincipal: [String: Turnover] = [:]
        var all = Turnover()
        try connection.query(
            """
            SELECT pr.inn, SUM(l.opening), SUM(l.amount), SUM(l.recalculated), SUM(l.privileges), SUM(l.penalties),
                   SUM(l.paid), SUM(l.closing)
            FROM statement_lines l JOIN principals pr ON pr.id = l.principal_id
            WHERE l.period = ? GROUP BY pr.inn
            """, [period]
        ) { row in
            let line = try Turnover(row, from: 1)
            perPrincipal[try row.string(0)] = line
            all += line
        }
        return BillingSummary(
            period: period, statements: try totals.int(0), lines: try totals.int(2), total: try totals.money(1),
            turnover: all, perPrincipal: perPrincipal,
            postingsAdded: Int(try connection.scalar("SELECT COUNT(*) FROM postings WHERE run_id = ?", [runId])))
    }

}
