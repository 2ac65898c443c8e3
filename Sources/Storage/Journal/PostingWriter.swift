public import Core

/// The one writer of the journal (`postings`): billing runs, payments, every principal's file and
/// the benchmarks' synthetic regions append through it, so the table's columns are named here
/// once. Appends in bulk (COPY on PostgreSQL), in the caller's transaction.
public struct PostingWriter {
    public static let table = "postings"
    /// The journal's columns, in the order ``row(_:)`` gives them.
    public static let columns = [
        "account_number", "principal_id", "service_code", "period", "kind", "amount", "volume_milli", "tariff",
        "counts_from", "source_file", "source_line", "for_period", "note", "run_id", "payment_id",
    ]

    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    /// Appends `postings` to the journal (or to a staging table of the same columns, made with
    /// ``createStaging(_:)``); returns how many were written.
    @discardableResult
    public func append<Postings: Sequence<Posting>>(
        _ postings: Postings, into table: String = PostingWriter.table, file: String = #fileID, line: Int = #line
    ) throws -> Int {
        var rows = RowMaker()
        return try connection.bulkInsert(
            into: table, columns: Self.columns, rows: postings.lazy.map { rows.row($0) }, file: file, line: line)
    }

    /// A temporary table with the journal's columns, for rows checked as a whole before they
    /// are posted (dropped first if it exists).
    public func createStaging(_ name: String, file: String = #fileID, line: Int = #line) throws {
        try connection.execute("DROP TABLE IF EXISTS \(name)", file: file, line: line)
        try connection.execute(
            """
            CREATE TEMPORARY TABLE \(name) (
                account_number TEXT NOT NULL, principal_id BIGINT NOT NULL, service_code TEXT NOT NULL, period TEXT NOT NULL,
                kind TEXT NOT NULL, amount BIGINT NOT NULL, volume_milli BIGINT, tariff BIGINT, counts_from TEXT NOT NULL,
                source_file BIGINT, source_line BIGINT, for_period TEXT, note TEXT, run_id BIGINT, payment_id BIGINT)
            """, file: file, line: line)
    }

    /// Turns postings into rows; the periods and days that rows repeat are formatted once.
    struct RowMaker {
        private var period: (BillingPeriod, SQLValue)?
        private var forPeriod: (BillingPeriod, SQLValue)?
        private var day: (CalendarDate, SQLValue)?

        mutating func row(_ posting: Posting) -> [SQLValue] {
            var file = SQLValue.null
            var line = SQLValue.null
            var run = SQLValue.null
            var payment = SQLValue.null
            switch posting.source {
            case .file(let importId, let row):
                file = .integer(importId)
                line = row.map(SQLValue.integer) ?? .null
            case .run(let id): run = .integer(id)
            case .payment(let id): payment = .integer(id)
            case .unsourced: break
            }
            return [
                .text(posting.account), .integer(posting.principalId), .text(posting.serviceCode),
                Self.cached(posting.period, &period), .text(posting.kind.rawValue), .integer(posting.amount.kopecks),
                posting.volumeMilli.map(SQLValue.integer) ?? .null,
                posting.tariff.map { .integer($0.kopecks) } ?? .null,
                cachedDay(posting.countsFrom), file, line,
                posting.forPeriod.map { Self.cached($0, &forPeriod) } ?? .null,
                posting.note.map(SQLValue.text) ?? .null, run,
                payment,
            ]
        }

        private static func cached(_ value: BillingPeriod, _ held: inout (BillingPeriod, SQLValue)?) -> SQLValue {
            if let held, held.0 == value { return held.1 }
            let text = value.sqlValue
            held = (value, text)
            return text
        }

        private mutating func cachedDay(_ value: CalendarDate) -> SQLValue {
            if let day, day.0 == value { return day.1 }
            let text = value.sqlValue
            day = (value, text)
            return text
        }
    }
}
