public import Core
public import Storage

/// The legal rates as dated rows, with their history: the one owner of `legal_rates` and
/// `rate_revisions`.
///
/// Every change is a revision: a rates file (or the migration that ships the defaults) adds
/// rows and retires the rows it replaces (the same kind and first day) or withdraws; nothing is
/// deleted, so the rules any revision had can be read again. A billing run records the revision
/// it used; the next run compares it with the one in force to recalculate posted penalties.
public struct RatesBook {
    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    /// The latest revision (1: the rows the migrations ship).
    public func currentRevision() throws -> Int64 {
        try connection.scalar("SELECT MAX(revision) FROM rate_revisions")
    }

    /// The rows in force in `revision` (the current one when nil), ordered by kind and day.
    public func rows(revision: Int64? = nil) throws -> [RateRow] {
        let revision = try revision ?? currentRevision()
        var rows: [RateRow] = []
        try connection.query(
            """
            SELECT kind, from_day, through_day, value, basis FROM legal_rates
            WHERE added_in <= ? AND (retired_in IS NULL OR retired_in > ?) ORDER BY kind, from_day, id
            """, [revision, revision]
        ) { row in
            guard let kind = RateRow.Kind(rawValue: try row.string(0)) else { return }
            rows.append(
                RateRow(
                    kind: kind, from: try row.date(1), through: row.isNull(2) ? nil : try row.date(2),
                    value: try row.optionalInt64(3).map { Int($0) }, basis: try row.string(4)))
        }
        return rows
    }

    /// The due-date calendar in force.
    public func calendar() throws -> LegalCalendar { LegalCalendar(rows: try rows()) }

    /// A change of the rows: `added` rows replace those of the same kind and first day, the
    /// rows of `withdrawn` (kind and first day) are retired. Returns the new revision, or nil
    /// when nothing would change (the same rows again).
    @discardableResult
    public func apply(
        added: [RateRow], withdrawn: [(RateRow.Kind, CalendarDate)] = [], source: String, file: Int64?
    )
        throws -> Int64?
    {
        let current = try rows()
        let inForce = Set(current)
        let changes = added.filter { !inForce.contains($0) }
        let withdrawals = withdrawn.filter { target in current.contains { $0.kind == target.0 && $0.from == target.1 } }
        guard !changes.isEmpty || !withdrawals.isEmpty else { return nil }
        let revision = try currentRevision() + 1
        try connection.execute(
            "INSERT INTO rate_revisions (revision, source, settings_file) VALUES (?, ?, ?)", [revision, source, file])
        for (kind, from) in withdrawals + changes.map({ ($0.kind, $0.from) }) {
            try connection.execute(
                "UPDATE legal_rates SET retired_in = ? WHERE kind = ? AND from_day = ? AND retired_in IS NULL",
                [revision, kind.rawValue, from])
        }
        for row in changes {
            try connection.execute(
                """
                INSERT INTO legal_rates (kind, from_day, through_day, value, basis, added_in)
                VALUES (?, ?, ?, ?, ?, ?)
                """, [row.kind.rawValue, row.from, row.through, row.value, row.basis, revision])
        }
        return revision
    }

    /// What changed from revision `old` to the one in force, in words: "ключевая ставка с
    /// 27.07.2026 изменена с 14 % на 9 % (basis)", one phrase per changed row; empty when nothing
    /// did. (Only characters the ЕПД's one-byte font prints.)
    public func changes(since old: Int64) throws -> String {
        let before = try rows(revision: old)
        let after = try rows()
        let removed = before.filter { !after.contains($0) }
        let added = after.filter { !before.contains($0) }
        var phrases: [String] = []
        for row in added {
            if let was = removed.first(where: { $0.kind == row.kind && $0.from == row.from }), was.value != row.value,
                row.kind == .keyRate || row.kind == .rateCap
            {
                let days = row.through.map { "на \(row.from.russian)-\($0.russian)" } ?? "с \(row.from.russian)"
                let noun = row.kind == .keyRate ? "ключевая ставка" : "предел ставки"
                phrases.append(
                    "\(noun) \(days) изменена с \(RateRow.percent(was.value)) на \(RateRow.percent(row.value)) "
                        + "(\(row.basis))")
            } else {
                phrases.append("\(row.described) (\(row.basis))")
            }
        }
        for row in removed where !added.contains(where: { $0.kind == row.kind && $0.from == row.from }) {
            phrases.append("отменено: \(row.described)")
        }
        return phrases.joined(separator: "; ")
    }

    /// Every revision, oldest first: its number, where it came from, when it was recorded.
    public func revisions() throws -> [(revision: Int64, source: String, recordedAt: String)] {
        try connection.all("SELECT revision, source, recorded_at FROM rate_revisions ORDER BY revision").map {
            (try $0.int64(0), try $0.string(1), try $0.string(2))
        }
    }
}
