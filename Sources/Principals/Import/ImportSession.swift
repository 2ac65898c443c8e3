import Batches
public import Core
import Storage

/// What an import did.
public struct ImportSummary: Sendable, Hashable {
    public var kind: ExchangeKind
    public var file: String
    public var fileId: String
    public var principalINN: String
    public var period: BillingPeriod?
    /// Records stored (charge rows, accounts, services).
    public var rows: Int
    /// For a charges file: the sum of the rows.
    public var total: Money
    /// True when the same file (same id and checksum) had been imported before: nothing changed.
    public var alreadyImported: Bool
    public var sha256 = ""
    /// For a charges file that corrects another (`<replaces>`): that file's id, and the
    /// differences posted as recalculations (how many, and their sum).
    public var replacedFileId: String?
    public var differences = 0
    public var difference = Money.zero
}

/// The state one file's import carries from record to record: the problems found so far (the
/// file's faults, listed together); a storage failure is thrown, never kept here.
final class ImportSession {
    let connection: any Connection
    let file: String
    /// The file's checksum, computed by a task of the import's run while the file is read.
    let digest: BatchValue<FileChecksum>
    /// The file's size when its import started.
    let fileSize: Int64
    let kind: ExchangeKind
    var problems: [ImportProblem] = []
    var summary: ImportSummary
    /// Set when the header names a file already imported with the same checksum.
    var alreadyImported = false
    var principalId: Int64?
    var importId: Int64?
    /// For the center's own files: their row in `settings_files`.
    var settingsFileId: Int64?

    init(
        connection: any Connection, file: String, digest: BatchValue<FileChecksum>, fileSize: Int64, kind: ExchangeKind
    ) {
        self.connection = connection
        self.file = file
        self.digest = digest
        self.fileSize = fileSize
        self.kind = kind
        summary = ImportSummary(
            kind: kind, file: file, fileId: "", principalINN: "", period: nil, rows: 0, total: .zero,
            alreadyImported: false)
    }

    /// The file's checksum (waits for the task hashing it; empty if the file could not be read).
    var sha256: String { digest.wait()?.sha256 ?? "" }

    /// The error for the problems found, with what was read of the header.
    func error(code: ImportError.Code, problems: [ImportProblem]) -> ImportError {
        var error = ImportError(code: code, file: file, problems: problems)
        summary.sha256 = sha256
        error.sha256 = sha256
        error.principalINN = summary.principalINN.isEmpty ? nil : summary.principalINN
        error.period = summary.period
        error.fileId = summary.fileId.isEmpty ? nil : summary.fileId
        return error
    }

    func problem(_ record: XMLRecord, _ field: String, _ reason: String) {
        problems.append(ImportProblem(file: file, line: record.line(of: field), element: field, reason: reason))
    }

    /// A problem found by a set query, at a line it names.
    func problem(line: Int, element: String, reason: String) {
        problems.append(ImportProblem(file: file, line: line, element: element, reason: reason))
    }

    /// Whether the file has a fault so far.
    var hasProblems: Bool { !problems.isEmpty }

    /// Handles a header: finds the principal, and checks the file id against earlier imports.
    /// Returns false when the rest of the file needs no processing.
    func begin(header record: XMLRecord, requirePrincipal: Bool = true) throws -> Bool {
        let inn = record.fields["principalInn"] ?? ""
        let fileId = record.fields["fileId"] ?? ""
        summary.principalINN = inn
        summary.fileId = fileId
        summary.period = record.fields["period"].flatMap(BillingPeriod.init)
        // One import of a principal's files at a time: on PostgreSQL the principal's row stays
        // locked until this import commits or rolls back, so a second one (the same file, or the
        // same charges under a new id, sent twice at once) waits, then sees what the first stored
        // and is refused or found imported already. SQLite's single writer does the same. (NO KEY:
        // rows that only refer to the principal, a billing run's postings, are not held up.)
        let lock = connection.dialect == .postgres ? " FOR NO KEY UPDATE" : ""
        principalId = try connection.first("SELECT id FROM principals WHERE inn = ?\(lock)", [inn]).map {
            try $0.int64(0)
        }
        guard let principalId else {
            if requirePrincipal {
                problem(
                    record, "principalInn", "no principal with this INN is registered; import its principal file first")
            }
            return requirePrincipal ? false : true
        }
        return isNew(
            previous: try connection.first(
                "SELECT sha256 FROM import_files WHERE principal_id = ? AND kind = ? AND file_id = ?",
                [principalId, kind.rawValue, fileId]
            ).map { try $0.string(0) }, record)
    }

    /// Whether a file id is new: the checksum of the file imported under it before, if any, is
    /// this file's (then it was imported already) or another's (a problem: a new file needs a new
    /// id).
    private func isNew(previous: String?, _ record: XMLRecord) -> Bool {
        guard let previous else { return true }
        if previous == sha256 {
            alreadyImported = true
        } else {
            problem(record, "fileId", "this file id was used by a different file; give a new file a new id")
        }
        return false
    }

    /// Records the file in `import_files` once its principal is known.
    /// A footer count that must match what the file holds.
    func checkCount(_ record: XMLRecord, _ field: String, _ noun: String, _ actual: Int) {
        if let said = record.fields[field].flatMap({ Int($0) }), said != actual {
            problem(record, field, "says \(said) \(noun), the file has \(actual)")
        }
    }

    /// The common header of a registry file: the principal, the file's record, and the
    /// principal's service codes; nil when the rest needs no processing.
    func beginRegistry(header record: XMLRecord) throws -> Set<String>? {
        guard try begin(header: record) else { return nil }
        let codes = try serviceCodes()
        try recordImport(period: summary.period)
        return codes
    }

    /// Whether a principal serves the account (a principal may touch only its own premises).
    func serves(_ account: String) throws -> Bool {
        guard let principalId else { return false }
        return try connection.scalar(
            "SELECT COUNT(*) FROM principal_accounts WHERE principal_id = ? AND account_number = ?",
            [principalId, account]) > 0
    }

    /// The principal's service codes.
    func serviceCodes() throws -> Set<String> {
        guard let principalId else { return [] }
        var codes: Set<String> = []
        try connection.query("SELECT code FROM services WHERE principal_id = ?", [principalId]) {
            codes.insert(try $0.string(0))
        }
        return codes
    }

    func recordImport(period: BillingPeriod?) throws {
        guard let principalId else { return }
        importId = try connection.first(
            """
            INSERT INTO import_files (principal_id, kind, file_id, sha256, period, row_count, total, file_name)
            VALUES (?, ?, ?, '', ?, 0, 0, ?) RETURNING id
            """,
            [principalId, kind.rawValue, summary.fileId, period?.description, file]
        ).map { try $0.int64(0) }
    }

    /// Handles the header of one of the center's own files (center, rates): the center's INN
    /// must be one the center has had (`innsAllowed`; nil: any, for a center file when none is
    /// set), and the file id is checked against earlier files of the kind. Records the file in
    /// `settings_files`. Returns false when the rest of the file needs no processing.
    func beginSettings(header record: XMLRecord, innsAllowed: Set<String>?) throws -> Bool {
        let inn = record.fields["centerInn"] ?? ""
        let fileId = record.fields["fileId"] ?? ""
        summary.principalINN = inn
        summary.fileId = fileId
        // One import of the center's files at a time, as for a principal's files.
        if connection.dialect == .postgres {
            try connection.execute("LOCK TABLE settings_files IN SHARE ROW EXCLUSIVE MODE")
        }
        let previous = try connection.first(
            "SELECT sha256 FROM settings_files WHERE kind = ? AND file_id = ?", [kind.rawValue, fileId]
        ).map { try $0.string(0) }
        guard isNew(previous: previous, record) else { return false }
        if let innsAllowed, !innsAllowed.contains(inn) {
            let known = innsAllowed.sorted().joined(separator: ", ")
            problem(
                record, "centerInn",
                innsAllowed.isEmpty
                    ? "no center is set: set it first (erc center set, or erc center import of a center file)"
                    : "is not the center's INN (\(known))")
            return false
        }
        settingsFileId = try connection.one(
            """
            INSERT INTO settings_files (kind, file_id, sha256, center_inn, created_at, file_name, row_count)
            VALUES (?, ?, '', ?, ?, ?, 0) RETURNING id
            """, [kind.rawValue, fileId, inn, record.fields["createdAt"] ?? "", file]
        ).int64(0)
        return true
    }

    func finishImport() throws {
        if let settingsFileId {
            try connection.execute(
                "UPDATE settings_files SET row_count = ?, sha256 = ? WHERE id = ?",
                [summary.rows, sha256, settingsFileId])
        }
        guard let importId else { return }
        try connection.execute(
            "UPDATE import_files SET row_count = ?, total = ?, sha256 = ? WHERE id = ?",
            [summary.rows, summary.total, sha256, importId])
    }
}
