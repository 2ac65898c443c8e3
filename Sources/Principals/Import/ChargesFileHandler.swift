import Core
import Storage

/// A charges file: the period's charges (account, service, volume, tariff, amount) and
/// recalculations of earlier periods, stored as postings of kinds `charge` and `recalculation`.
///
/// A charge for an account, service and period the journal holds already (from another file),
/// or a recalculation of the same account, service, period and period recalculated, is refused
/// with the row named: a file sent again under a new id would double the money. A file that
/// corrects an earlier one names it in its header (`<replaces>`): it is then the principal's
/// whole charges of the period, and only the difference from what the journal holds for each
/// row (a row of the earlier file it leaves out counts as zero) is posted, as a recalculation
/// of the period with that file as its reason.
///
/// Rows go into the journal in bulk (COPY on PostgreSQL), 10,000 at a time, while a task of the
/// import's run parses and validates the file ahead, so both cores work and memory stays flat
/// but for one 8-byte key a row (for duplicates). Checks of a row run as it is read; whether the principal serves each
/// account then runs as one set query over the file's postings, naming every bad line. Any problem rolls the transaction back, so nothing is stored. A posting's source line
/// is the line of its row's `account`.
final class ChargesFileHandler: RecordHandler {
    let session: ImportSession
    var period: BillingPeriod?
    var services: Set<String> = []
    /// Each service's small number, for the duplicate keys.
    var serviceNumbers: [String: UInt64] = [:]
    /// One packed key per row (account, service, kind, period recalculated): about 16 bytes a
    /// row, where the rows themselves stream through.
    var keys: Set<UInt64> = []
    /// Each account of the file once, to check against the registry in one small set query.
    var accounts: Set<UInt64> = []
    var lastAccount: UInt64 = .max
    var batch: [Posting] = []
    /// Where the rows go once the header is good: the journal's writer (into `rowsTable`).
    var writer: PostingWriter?
    /// Values every row repeats, made once.
    var constants: (period: BillingPeriod, countsFrom: CalendarDate, principal: Int64, importId: Int64)?
    var counts = (rows: 0, charges: Money.zero, recalculations: Money.zero)
    /// Set when a row could not be read (the schema names why): control sums are then not checked.
    var incomplete = false
    /// The file this one replaces (`<replaces>`): its import id and file id. Rows are then staged,
    /// not posted, and only their differences from the journal go into it.
    var replaces: (id: Int64, fileId: String)?
    /// Where the rows stream: the journal, or the staging table of a replacement.
    var rowsTable = "postings"
    static let replacementStaging = "erc_import_charges"
    static let batchSize = 10_000

    init(session: ImportSession) {
        self.session = session
    }

    var connection: any Connection { session.connection }

    func header(_ record: XMLRecord) throws -> Bool {
        period = record.fields["period"].flatMap(BillingPeriod.init)
        guard try session.begin(header: record), session.principalId != nil, let period else { return false }
        if try connection.scalar("SELECT COUNT(*) FROM closed_periods WHERE period = ?", [period]) > 0 {
            session.problem(
                record, "period",
                "the period is closed; send changes to it as recalculations in the next open period")
        }
        services = try session.serviceCodes()
        // About 150 bytes a row: room for the keys up front, so the set never rehashes.
        keys.reserveCapacity(Int(session.fileSize / 150))
        for (number, code) in services.sorted().enumerated() { serviceNumbers[code] = UInt64(number) }
        if let named = record.fields["replaces"] {
            try checkReplaced(record, named, period: period)
        }
        try session.recordImport(period: period)
        guard let principalId = session.principalId, let importId = session.importId else { return false }
        if replaces != nil {
            rowsTable = Self.replacementStaging
            try PostingWriter(connection: connection).createStaging(rowsTable)
        }
        writer = PostingWriter(connection: connection)
        constants = (
            period, try RatesBook(connection: connection).calendar().dueDate(for: period), principalId, importId
        )
        return true
    }

    /// The file a replacement names must be this principal's charges file of the same period,
    /// and not replaced already (a correction names the latest file).
    private func checkReplaced(_ record: XMLRecord, _ fileId: String, period: BillingPeriod) throws {
        guard let principalId = session.principalId else { return }
        guard
            let row = try connection.first(
                "SELECT id, period FROM import_files WHERE principal_id = ? AND kind = 'charges' AND file_id = ?",
                [principalId, fileId])
        else {
            session.problem(record, "replaces", "no charges file \(fileId) of this principal was imported")
            return
        }
        let replacedPeriod = try row.optionalString(1) ?? ""
        guard replacedPeriod == period.description else {
            session.problem(
                record, "replaces",
                "file \(fileId) holds the charges of \(replacedPeriod), not of \(period): a correction replaces a file of its own period"
            )
            return
        }
        let id = try row.int64(0)
        if let later = try connection.first("SELECT file_id FROM import_files WHERE replaces = ?", [id]) {
            session.problem(
                record, "replaces",
                "file \(fileId) was replaced by \(try later.string(0)) already: name the latest file")
            return
        }
        replaces = (id, fileId)
    }

    func record(_ record: XMLRecord) throws {
        switch record.name {
        case "charge": try charge(record)
        case "recalculation": try recalculation(record)
        case "footer": try footer(record)
        default: break
        }
    }

    private func checkService(_ record: XMLRecord, _ service: String) {
        if !services.contains(service) {
            session.problem(record, "service", "not a service of this principal")
        }
    }

    /// Names a row whose account and service (and recalculated period) came earlier in the file.
    /// The key packs the 10-digit account (34 bits), the service's number (12), the kind (1) and
    /// the recalculated period (16): exact, no hashing collisions.
    private func checkDuplicate(
        _ record: XMLRecord, _ account: String, _ service: String, recalculating: BillingPeriod?
    ) {
        guard let number = UInt64(account) else { return }
        // Files list an account's rows together: only a new account goes into the set.
        if number != lastAccount {
            accounts.insert(number)
            lastAccount = number
        }
        guard let key = key(number, service, recalculating: recalculating) else { return }
        if !keys.insert(key).inserted {
            session.problem(
                line: record.line(of: "account"), element: record.name,
                reason: "duplicate row: the same account and service appear earlier in the file")
        }
    }

    /// A row's key: the account, the service's number, the kind and the period recalculated.
    private func key(_ account: UInt64, _ service: String, recalculating: BillingPeriod?) -> UInt64? {
        guard let serviceNumber = serviceNumbers[service] else { return nil }
        var key = account << 29 | serviceNumber << 17
        if let recalculating { key |= 1 << 16 | UInt64(recalculating.index & 0xFFFF) }
        return key
    }

    /// The key of a posting read back (columns: account, service, kind, period recalculated).
    private func key(of row: SQLRow) throws -> UInt64? {
        guard let account = UInt64(try row.string(0)) else { return nil }
        let recalculating =
            try row.string(2) == "recalculation" ? try row.optionalString(3).flatMap(BillingPeriod.init) : nil
        return key(account, try row.string(1), recalculating: recalculating)
    }

    private func charge(_ record: XMLRecord) throws {
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
        checkService(record, service)
        checkDuplicate(record, account, service, recalculating: nil)
        let expected = Money.charge(volumeMilli: volume, tariff: Money(kopecks: tariff))
        if expected.kopecks != amount {
            session.problem(
                record, "amount", "is not volume x tariff rounded to whole kopecks (expected \(expected.decimalString))"
            )
        }
        try stage(
            record, account, service, .charge, amount, volume: volume, tariff: Money(kopecks: tariff), forPeriod: nil,
            note: nil)
    }

    private func recalculation(_ record: XMLRecord) throws {
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
        checkService(record, service)
        checkDuplicate(record, account, service, recalculating: forPeriod)
        if amount == 0 {
            session.problem(record, "amount", "a recalculation of zero changes nothing")
        }
        try stage(
            record, account, service, .recalculation, amount, volume: nil, tariff: nil, forPeriod: forPeriod,
            note: reason)
    }

    private func stage(
        _ record: XMLRecord, _ account: String, _ service: String, _ kind: Posting.Kind, _ amount: Int64,
        volume: Int64?,
        tariff: Money?, forPeriod: BillingPeriod?, note: String?
    ) throws {
        guard let writer, let constants, !session.hasProblems else { return }
        batch.append(
            Posting(
                account: account, principalId: constants.principal, serviceCode: service, period: constants.period,
                kind: kind, amount: Money(kopecks: amount), volumeMilli: volume, tariff: tariff,
                countsFrom: constants.countsFrom, forPeriod: forPeriod, note: note,
                source: .file(importId: constants.importId, line: Int64(record.line(of: "account")))))
        if batch.count >= Self.batchSize {
            _ = try writer.append(batch, into: rowsTable)
            batch = []
            batch.reserveCapacity(Self.batchSize)
        }
    }

    private func footer(_ record: XMLRecord) throws {
        session.checkCount(record, "rowCount", "rows", counts.rows)
        guard !incomplete else { return }
        for (field, actual) in [("chargeTotal", counts.charges), ("recalculationTotal", counts.recalculations)] {
            if let said = record.fields[field].flatMap({ Int64($0) }), said != actual.kopecks {
                session.problem(
                    record, field,
                    "says \(Money(kopecks: said).decimalString), the rows add up to \(actual.decimalString)")
            }
        }
        session.summary.rows = counts.rows
        session.summary.total = counts.charges + counts.recalculations
    }

    /// Writes the last rows.
    func endOfFile() throws {
        guard let writer else { return }
        if !batch.isEmpty, !session.hasProblems { _ = try writer.append(batch, into: rowsTable) }
        batch = []
        self.writer = nil
    }

    /// Checks the file's accounts against the registry: the distinct accounts go to a temporary
    /// table, one anti-join finds those the principal does not serve, and only their rows are
    /// looked up for line numbers.
    func finishChecks() throws {
        guard let principalId = session.principalId, let importId = session.importId, let period,
            !session.hasProblems
        else { return }
        try connection.execute("DROP TABLE IF EXISTS erc_import_accounts")
        try connection.execute("CREATE TEMPORARY TABLE erc_import_accounts (account_number TEXT NOT NULL)")
        try connection.bulkInsert(
            into: "erc_import_accounts", columns: ["account_number"],
            rows: accounts.lazy.map { [SQLValue.text(pad(Int($0), 10))] })
        let foreign = try connection.all(
            """
            SELECT a.account_number FROM erc_import_accounts a
            LEFT JOIN principal_accounts pa ON pa.principal_id = ? AND pa.account_number = a.account_number
            WHERE pa.account_number IS NULL
            """, [principalId]
        ).map { try $0.string(0) }
        try connection.execute("DROP TABLE erc_import_accounts")
        for chunk in stride(from: 0, to: foreign.count, by: 500).map({ foreign[$0..<min($0 + 500, foreign.count)] }) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            try connection.query(
                """
                SELECT source_line FROM \(rowsTable)
                WHERE period = ? AND account_number IN (\(marks)) AND source_file = ? ORDER BY source_line
                """, [period] + chunk.map { $0 as any SQLBindable } + [importId]
            ) { row in
                session.problem(
                    line: try row.int(0), element: "account",
                    reason: "unknown account, or not one this principal serves")
            }
        }
        if !session.hasProblems, replaces == nil {
            try checkAlreadyInJournal(principalId: principalId, importId: importId)
        }
    }

    /// Names every row whose charge (account, service, period) or recalculation (the same and the
    /// period recalculated) another file put in the journal already. When every row repeats one
    /// earlier file, that is said once: the same file sent again under a new id.
    ///
    /// Only the principal's other charges files of the period can hold such rows: their keys are
    /// read by file (the journal's source index) and matched against this file's keys in memory,
    /// so the check costs one pass over those files, whatever the planner knows of the journal
    /// (a join of the journal with itself, planned without statistics for the rows this
    /// transaction added, could take hours on a million rows).
    private func checkAlreadyInJournal(principalId: Int64, importId: Int64) throws {
        guard let period else { return }
        var files: [Int64: String] = [:]
        try connection.query(
            "SELECT id, file_id FROM import_files WHERE principal_id = ? AND kind = 'charges' AND period = ? AND id <> ?",
            [principalId, period, importId]
        ) { files[try $0.int64(0)] = try $0.string(1) }
        guard !files.isEmpty else { return }
        // Each repeated key: the earlier files holding it, with the first line there.
        var repeated: [UInt64: [Int64: Int]] = [:]
        for file in files.keys.sorted() {
            try connection.query(
                """
                SELECT account_number, service_code, kind, for_period, source_line FROM postings
                WHERE source_file = ? AND principal_id = ? AND period = ? AND kind IN ('charge', 'recalculation')
                """, [file, principalId, period]
            ) { row in
                guard let key = try key(of: row), keys.contains(key) else { return }
                let line = try row.int(4)
                repeated[key, default: [:]][file] = min(line, repeated[key]?[file] ?? line)
            }
        }
        guard !repeated.isEmpty else { return }
        let earlierFiles = Set(repeated.values.flatMap(\.keys))
        if earlierFiles.count == 1, repeated.count == counts.rows, counts.rows > 1, let earlier = earlierFiles.first {
            let first = try connection.scalar("SELECT MIN(source_line) FROM postings WHERE source_file = ?", [importId])
            let name = files[earlier] ?? ""
            session.problem(
                line: Int(first), element: "chargesFile",
                reason: "every one of its \(counts.rows) rows charges (or recalculates) an account, service and period "
                    + "that file \(name) charged already: the same charges sent again under a new file id? A file "
                    + "that corrects \(name) names it in <replaces>")
            return
        }
        try connection.query(
            """
            SELECT account_number, service_code, kind, for_period, source_line FROM postings
            WHERE source_file = ? ORDER BY source_line
            """, [importId]
        ) { row in
            guard let key = try key(of: row), let earlier = repeated[key] else { return }
            let line = try row.int(4)
            let what =
                try row.string(2) == "charge"
                ? "a charge of this account and service for \(period)"
                : "a recalculation of this account and service for \(try row.optionalString(3) ?? "")"
            for (file, earlierLine) in earlier.sorted(by: { $0.key < $1.key }) {
                session.problem(
                    line: line, element: "account",
                    reason: "\(what) is in the journal already, from file \(files[file] ?? "") (line \(earlierLine)): "
                        + "a file that corrects it names that file in <replaces>")
            }
        }
    }

    /// A normal file's rows are in the journal already; the transaction commits them. A
    /// replacement's staged rows go in as differences: for each account, service and period
    /// recalculated (the file's own period for its charges), what the file says less what the
    /// journal holds from the principal's files, posted as a recalculation naming both files.
    func finish() throws {
        guard let replaces, let principalId = session.principalId, let importId = session.importId, let period else {
            return
        }
        let note = "по файлу \(session.summary.fileId), заменившему \(replaces.fileId)"
        let dueDate = try RatesBook(connection: connection).calendar().dueDate(for: period)
        // One key per line of the statement: charges and the differences that replaced them are
        // the period's own (for_period = the period), recalculations keep the period they correct.
        let key = "CASE WHEN kind = 'charge' THEN period ELSE for_period END"
        var differences: [Posting] = []
        try connection.query(
            """
            SELECT d.account_number, d.service_code, d.for_period, d.amount, d.volume, d.line
            FROM (
                SELECT account_number, service_code, for_period, SUM(amount) AS amount, SUM(volume) AS volume,
                       MAX(line) AS line
                FROM (
                    SELECT account_number, service_code, \(key) AS for_period, amount,
                           COALESCE(volume_milli, 0) AS volume, source_line AS line
                    FROM \(rowsTable)
                    UNION ALL
                    SELECT account_number, service_code, \(key) AS for_period, -amount,
                           -COALESCE(volume_milli, 0) AS volume, NULL AS line
                    FROM postings
                    WHERE principal_id = ? AND period = ? AND kind IN ('charge', 'recalculation')
                      AND source_file IS NOT NULL
                ) x
                GROUP BY account_number, service_code, for_period
            ) d
            WHERE d.amount <> 0
            ORDER BY d.account_number, d.service_code, d.for_period
            """, [principalId, period]
        ) { row in
            differences.append(
                Posting(
                    account: try row.string(0), principalId: principalId, serviceCode: try row.string(1),
                    period: period,
                    kind: .recalculation, amount: try row.money(3), volumeMilli: try row.int64(4),
                    countsFrom: dueDate, forPeriod: try row.period(2), note: note,
                    source: .file(importId: importId, line: try row.optionalInt64(5))))
        }
        try PostingWriter(connection: connection).append(differences)
        session.summary.replacedFileId = replaces.fileId
        if let row = try connection.first(
            "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM postings WHERE source_file = ?", [importId])
        {
            session.summary.differences = try row.int(0)
            session.summary.difference = try row.money(1)
        }
        try connection.execute("UPDATE import_files SET replaces = ? WHERE id = ?", [replaces.id, importId])
        try connection.execute("DROP TABLE \(rowsTable)")
    }
}
