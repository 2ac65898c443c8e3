import Core
import Storage
import Synchronization

/// Bills claimed batches of one run; `Sendable`, so parallel workers share it, each with its
/// own connection. A batch is read, computed premises by premises (`PremisesBill`), then written
/// in one short transaction: the run's new postings (only differences from what the journal
/// holds), the batch's statements replaced, and the batch marked done.
struct BatchBiller: Sendable {
    let context: BillingContext
    let runId: Int64
    /// Time spent reading and computing, and writing, when the run logs at debug level.
    var trace: BillingTrace?

    var period: BillingPeriod { context.period }

    /// Claims batches until none is left.
    func work(
        on connection: any Connection, runId: Int64, batches: Int, progress: (_ done: Int, _ batches: Int) -> Void
    ) throws {
        while true {
            // Another worker failed: the run stops, its claimed batches go back to pending when
            // it is run again.
            try Task.checkCancellation()
            // The status test in the outer WHERE makes a concurrent claim of the same batch miss.
            guard
                let claimed = try connection.first(
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
            let batch = Batch(number: try claimed.int(0), first: try claimed.string(1), last: try claimed.string(2))
            let clock = ContinuousClock()
            let started = clock.now
            let rows = try compute(on: connection, from: batch.first, through: batch.last)
            let computed = clock.now
            try write(rows, of: batch, on: connection)
            trace?.add(read: computed - started, written: clock.now - computed)
            let done = try connection.scalar(
                "SELECT COUNT(*) FROM billing_batches WHERE run_id = ? AND status = 'done'", [runId])
            progress(Int(done), batches)
        }
    }

    /// A batch of premises: the accounts from `first` through `last`.
    struct Batch: Sendable {
        var number: Int
        var first: String
        var last: String
    }

    /// What a batch adds and replaces.
    struct Rows: Sendable {
        var postings: [Posting]
        var statements: [[SQLValue]]
        var lines: [[SQLValue]]
        /// What the batch billed the houses with common-property data: their premises' own
        /// volumes and СОИ volumes per resource.
        var houses: [(house: String, resource: Service.Resource, own: Int64, common: Int64)] = []
    }

    /// Writes a computed batch in one transaction: the run's new postings, the batch's statements
    /// replaced, the batch marked done.
    func write(_ rows: Rows, of batch: Batch, on connection: any Connection) throws {
        let clock = ContinuousClock()
        var mark = clock.now
        func lap(_ phase: Int) {
            let now = clock.now
            trace?.add(phase: phase, now - mark)
            mark = now
        }
        try connection.withTransaction {
            try PostingWriter(connection: connection).append(rows.postings)
            try CommonPropertyPass.add(rows.houses, period: period, on: connection)
            lap(0)
            for table in ["statement_lines", "statements"] {
                try connection.execute(
                    "DELETE FROM \(table) WHERE period = ? AND account_number >= ? AND account_number <= ?",
                    [period, batch.first, batch.last])
            }
            lap(1)
            try connection.bulkInsert(
                into: "statements",
                columns: [
                    "period", "account_number", "line_count", "total", "as_of", "opening", "charged",
                    "recalculated", "privileges", "penalties", "paid",
                ],
                rows: rows.statements)
            lap(2)
            try connection.bulkInsert(
                into: "statement_lines",
                columns: [
                    "period", "account_number", "line_no", "principal_id", "service_code", "volume_milli", "tariff",
                    "amount", "opening", "recalculated", "privileges", "penalties", "paid", "closing", "method",
                    "method_note", "privilege_note",
                ],
                rows: rows.lines)
            lap(3)
            try connection.execute(
                "UPDATE billing_batches SET status = 'done' WHERE run_id = ? AND batch_no = ?", [runId, batch.number])
        }
        lap(4)
    }

    /// Reads a batch and computes its postings, statements and lines (nothing is written).
    func compute(on connection: any Connection, from first: String, through last: String) throws -> Rows {
        var postings: [Posting] = []
        var statements: [[SQLValue]] = []
        var lines: [[SQLValue]] = []
        var houses: [String: [Service.Resource: (own: Int64, common: Int64)]] = [:]
        // The same for every row: formatted once.
        let periodValue = period.sqlValue
        let firstDay = period.firstDay
        let asOfValue = context.asOf.sqlValue
        for inputs in try BatchReader(connection: connection).inputs(from: first, through: last, period: period) {
            let bill = PremisesBill(inputs, context: context)
            let account = SQLValue.text(inputs.account)
            if let house = context.houses[inputs.houseCode] {
                for resource in house.data.normsMicro.keys {
                    let sum = houses[inputs.houseCode]?[resource] ?? (0, 0)
                    houses[inputs.houseCode, default: [:]][resource] = (
                        sum.own + (bill.individual[resource] ?? 0), sum.common + (bill.common[resource] ?? 0)
                    )
                }
            }
            for posting in bill.postings {
                postings.append(
                    Posting(
                        account: inputs.account, principalId: posting.key.principalId, serviceCode: posting.key.service,
                        period: period, kind: posting.kind, amount: posting.amount, volumeMilli: posting.volumeMilli,
                        tariff: posting.tariff, countsFrom: firstDay, forPeriod: posting.forPeriod, note: posting.note,
                        source: .run(runId)))
            }
            guard !bill.lines.isEmpty else { continue }
            var total = Turnover()
            for (index, line) in bill.lines.enumerated() {
                total += line.turnover
                lines.append([
                    periodValue, account, .integer(Int64(index + 1)), .integer(line.key.principalId),
                    .text(line.key.service), .integer(line.volumeMilli), .integer(line.tariff.kopecks),
                    .integer(line.charged.kopecks), .integer(line.opening.kopecks), .integer(line.recalculated.kopecks),
                    .integer(line.privileges.kopecks), .integer(line.penalties.kopecks), .integer(line.paid.kopecks),
                    .integer(line.closing.kopecks), .text(line.method), line.methodNote.map(SQLValue.text) ?? .null,
                    line.privilegeNote.map(SQLValue.text) ?? .null,
                ])
            }
            statements.append([
                periodValue, account, .integer(Int64(bill.lines.count)), .integer(total.closing.kopecks),
                asOfValue, .integer(total.opening.kopecks), .integer(total.charged.kopecks),
                .integer(total.recalculated.kopecks), .integer(total.privileges.kopecks),
                .integer(total.penalties.kopecks), .integer(total.paid.kopecks),
            ])
        }
        var rows = Rows(postings: postings, statements: statements, lines: lines)
        for (house, resources) in houses.sorted(by: { $0.key < $1.key }) {
            for (resource, sum) in resources.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                rows.houses.append((house, resource, sum.own, sum.common))
            }
        }
        return rows
    }
}

/// Where a billing run's time goes, logged at the end at debug level.
final class BillingTrace: Sendable {
    private let state = Mutex<(read: Duration, written: Duration)>((.zero, .zero))
    private let phases = Mutex<[Duration]>(Array(repeating: .zero, count: 5))

    /// Time of one step of writing a batch: postings, deletes, statements, lines, commit.
    func add(phase: Int, _ duration: Duration) {
        phases.withLock { $0[phase] += duration }
    }

    func add(read: Duration, written: Duration) {
        state.withLock {
            $0.read += read
            $0.written += written
        }
    }

    var report: String {
        let steps = phases.withLock { $0 }
        return state.withLock {
            "read and computed \($0.read.loggedMilliseconds), written \($0.written.loggedMilliseconds) "
                + "(summed over workers); writing: "
                + zip(["postings", "deletes", "statements", "lines", "commit"], steps).map {
                    "\($0) \($1.loggedMilliseconds)"
                }
                .joined(separator: ", ")
        }
    }
}
