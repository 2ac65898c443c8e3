public import Core
public import Storage

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
/// Repeatable: the statements of the period are rebuilt inside one transaction, so a second run
/// on the same journal writes the same rows.
public struct BillingRun {
    let connection: any Connection
    public let period: BillingPeriod
    /// The day the run counts as of; part of its inputs, never the wall clock.
    public let asOf: CalendarDate

    public init(connection: any Connection, period: BillingPeriod, asOf: CalendarDate) {
        self.connection = connection
        self.period = period
        self.asOf = asOf
    }

    /// Premises per batch: each batch is read, then written, so memory stays flat.
    public var batchSize = 2_000

    public func run(progress: (Int) -> Void = { _ in }) throws -> BillingSummary {
        var summary = BillingSummary(period: period, statements: 0, lines: 0, total: .zero, perPrincipal: [:])
        if try PeriodLock(connection: connection).isClosed(period) {
            throw BillingError(
                code: .periodClosed,
                message: "\(period) is closed; its statements stay as they are, changes go to \(period.next) as recalculations")
        }
        try connection.withTransaction {
            try connection.execute("DELETE FROM statement_lines WHERE period = ?", [period])
            try connection.execute("DELETE FROM statements WHERE period = ?", [period])
            var after = ""
            while true {
                // Keyset pagination over premises; a driver cannot write while a query streams.
                let batch = try connection.all(
                    """
                    SELECT DISTINCT account_number FROM postings
                    WHERE period = ? AND kind = 'charge' AND account_number > ?
                    ORDER BY account_number LIMIT ?
                    """,
                    [period, after, batchSize]
                ).map { try $0.string(0) }
                guard let first = batch.first, let last = batch.last else { break }
                try bill(from: first, through: last, into: &summary)
                after = last
                progress(summary.statements)
            }
        }
        return summary
    }

    private func bill(from first: String, through last: String, into summary: inout BillingSummary) throws {
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
            summary.statements += 1
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
            summary.lines += 1
            summary.total += amount
            summary.perPrincipal[try row.string(2), default: .zero] += amount
            lines.append([
                period.sqlValue, .text(account), .integer(Int64(lineNo)), .integer(try row.int64(1)),
                .text(try row.string(3)), .integer(try row.int64(4)), .integer(try row.int64(5)),
                .integer(amount.kopecks),
            ])
        }
        closeStatement()
        try connection.bulkInsert(
            into: "statements", columns: ["period", "account_number", "line_count", "total", "as_of"],
            rows: statements)
        try connection.bulkInsert(
            into: "statement_lines",
            columns: [
                "period", "account_number", "line_no", "principal_id", "service_code", "volume_milli", "tariff",
                "amount",
            ],
            rows: lines)
    }
}
