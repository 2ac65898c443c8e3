import Core
import Storage

/// A charges file: the period's charges (account, service, volume, tariff, amount) and
/// recalculations of earlier periods, stored as postings of kinds `charge` and `recalculation`.
///
/// Rows stream into a temporary staging table in bulk (COPY on PostgreSQL), so memory stays
/// flat for files of millions of rows; the checks that need the database (accounts the
/// principal serves, its services, duplicate rows) then run as set queries naming every bad
/// line, and the rows move into the journal in one statement.
final class ChargesFileHandler: RecordHandler {
    let session: ImportSession
    var period: BillingPeriod?
    var pending: [[SQLValue]] = []
    var counts = (rows: 0, charges: Money.zero, recalculations: Money.zero)
    /// Set when a row could not be read (the schema names why): control sums are then not checked.
    var incomplete = false
    var staged = false

    static let staging = "erc_import_rows"

    init(session: ImportSession) {
        self.session = session
    }

    var connection: any Connection { session.connection }

    func header(_ record: XMLRecord) -> Bool {
        period = record.fields["period"].flatMap(BillingPeriod.init)
        guard session.begin(header: record), session.principalId != nil, let period else { return false }
        session.store {
            if try connection.scalar("SELECT COUNT(*) FROM closed_periods WHERE period = ?", [period]) > 0 {
                session.problem(
                    record, "period",
                    "the period is closed; send changes to it as recalculations in the next open period")
            }
            try connection.execute("DROP TABLE IF EXISTS \(Self.staging)")
            try connection.execute(
                """
                CREATE TEMPORARY TABLE \(Self.staging) (
                    line BIGINT NOT NULL, account_line BIGINT NOT NULL, service_line BIGINT NOT NULL, kind TEXT NOT NULL, account TEXT NOT NULL, service TEXT NOT NULL,
                    for_period TEXT, volume BIGINT, tariff BIGINT, amount BIGINT NOT NULL, reason TEXT)
                """)
            staged = true
        }
        session.recordImport(period: period)
        return true
    }

    func record(_ record: XMLRecord) {
        switch record.name {
        case "charge": charge(record)
        case "recalculation": recalculation(record)
        case "footer": footer(record)
        default: break
        }
    }

    private func charge(_ record: XMLRecord) {
        counts.rows += 1
        guard let account = record.fields["account"], let service = record.fields["service"],
            let volume = record.fields["volume"].flatMap({ parseScaled($0, scale: 3) }),
            let tariff = record.fields["tariff"].flatMap({ Int64($0) }),
            let amount = record.fields["amount"].flatMap({ Int64($0) })
        else {
            incomplete = true  // the schema has already named what is wrong
            return
        }
        counts.charges += Money(kopecks: amount)
        let expected = Money.charge(volumeMilli: volume, tariff: Money(kopecks: tariff))
        if expected.kopecks != amount {
            session.problem(
                record, "amount", "is not volume x tariff rounded to whole kopecks (expected \(expected.decimalString))")
        }
        stage([
            .integer(Int64(record.line)), .integer(Int64(record.line(of: "account"))),
            .integer(Int64(record.line(of: "service"))), .text("charge"), .text(account), .text(service), .null, .integer(volume),
            .integer(tariff), .integer(amount), .null,
        ])
    }

    private func recalculation(_ record: XMLRecord) {
        counts.rows += 1
        guard let account = record.fields["account"], let service = record.fields["service"],
            let forPeriod = record.fields["forPeriod"].flatMap(BillingPeriod.init),
            let amount = record.fields["amount"].flatMap({ Int64($0) }), let reason = record.fields["reason"]
        else {
            incomplete = true
            return
        }
        counts.recalculations += Money(kopecks: amount)
        if let period, forPeriod >= period {
            session.problem(record, "forPeriod", "a recalculation is for an earlier period than the file's")
        }
        if amount == 0 {
            session.problem(record, "amount", "a recalculation of zero changes nothing")
        }
        stage([
            .integer(Int64(record.line)), .integer(Int64(record.line(of: "account"))),
            .integer(Int64(record.line(of: "service"))), .text("recalculation"), .text(account), .text(service),
            .text(forPeriod.description), .null, .null, .integer(amount), .text(reason),
        ])
    }

    private func stage(_ row: [SQLValue]) {
        guard staged else { return }
        pending.append(row)
        if pending.count >= 20_000 { flush() }
    }

    private func flush() {
        guard !pending.isEmpty else { return }
        session.store {
            try connection.bulkInsert(
                into: Self.staging,
                columns: ["line", "account_line", "service_line", "kind", "account", "service", "for_period", "volume", "tariff", "amount", "reason"],
                rows: pending)
        }
        pending.removeAll(keepingCapacity: true)
    }

    private func footer(_ record: XMLRecord) {
        if let count = record.fields["rowCount"].flatMap({ Int($0) }), count != counts.rows {
            session.problem(record, "rowCount", "says \(count) rows, the file has \(counts.rows)")
        }
        guard !incomplete else { return }
        for (field, actual) in [("chargeTotal", counts.charges), ("recalculationTotal", counts.recalculations)] {
            if let said = record.fields[field].flatMap({ Int64($0) }), said != actual.kopecks {
                session.problem(
                    record, field, "says \(Money(kopecks: said).decimalString), the rows add up to \(actual.decimalString)")
            }
        }
        session.summary.rows = counts.rows
        session.summary.total = counts.charges + counts.recalculations
    }

    /// Runs the set checks, then moves the staged rows into the journal.
    func finishChecks() {
        flush()
        guard staged, let principalId = session.principalId else { return }
        let file = session.file
        session.store {
            try connection.query(
                """
                SELECT r.account_line FROM \(Self.staging) r
                LEFT JOIN principal_accounts pa ON pa.principal_id = ? AND pa.account_number = r.account
                WHERE pa.account_number IS NULL ORDER BY r.account_line
                """, [principalId]
            ) { row in
                session.problems.append(
                    ImportProblem(
                        file: file, line: try row.int(0), element: "account",
                        reason: "unknown account, or not one this principal serves"))
            }
            try connection.query(
                """
                SELECT r.service_line FROM \(Self.staging) r
                LEFT JOIN services s ON s.principal_id = ? AND s.code = r.service
                WHERE s.code IS NULL ORDER BY r.service_line
                """, [principalId]
            ) { row in
                session.problems.append(
                    ImportProblem(
                        file: file, line: try row.int(0), element: "service", reason: "not a service of this principal"))
            }
            try connection.query(
                """
                SELECT r.line, d.first_line FROM \(Self.staging) r
                JOIN (SELECT kind, account, service, COALESCE(for_period, '') AS for_period, MIN(line) AS first_line
                      FROM \(Self.staging) GROUP BY kind, account, service, COALESCE(for_period, '')
                      HAVING COUNT(*) > 1) d
                  ON d.kind = r.kind AND d.account = r.account AND d.service = r.service
                 AND d.for_period = COALESCE(r.for_period, '') AND r.line > d.first_line
                ORDER BY r.line
                """
            ) { row in
                session.problems.append(
                    ImportProblem(
                        file: file, line: try row.int(0), element: "charge",
                        reason: "duplicate row: the same account and service appear at line \(try row.int(1))"))
            }
        }
    }

    func finish() {
        guard staged, let period, let principalId = session.principalId, let importId = session.importId else { return }
        session.store {
            try connection.execute(
                """
                INSERT INTO postings (account_number, principal_id, service_code, period, kind, amount, volume_milli,
                                      tariff, counts_from, source_file, source_line, for_period, note)
                SELECT account, ?, service, ?, kind, amount, volume, tariff, ?, ?, line, for_period, reason
                FROM \(Self.staging) ORDER BY line
                """,
                [principalId, period, period.dueDate, importId])
            try connection.execute("DROP TABLE \(Self.staging)")
        }
    }
}
