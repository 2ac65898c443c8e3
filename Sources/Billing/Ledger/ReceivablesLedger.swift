public import Core
public import Storage

/// One line of the turnover of receivables (оборотно-сальдовая ведомость) for a period.
public struct Turnover: Sendable, Hashable, Codable {
    public var opening = Money.zero
    public var charged = Money.zero
    public var recalculated = Money.zero
    /// Discounts given, as a positive amount (the postings are negative).
    public var privileges = Money.zero
    public var penalties = Money.zero
    /// Money received, as a positive amount (the postings are negative).
    public var paid = Money.zero
    public var closing = Money.zero

    public init() {}

    /// A turnover from seven money columns of a row, from `column` on: opening, charged,
    /// recalculated, privileges, penalties, paid, closing.
    init(_ row: SQLRow, from column: Int) throws {
        opening = try row.money(column)
        charged = try row.money(column + 1)
        recalculated = try row.money(column + 2)
        privileges = try row.money(column + 3)
        penalties = try row.money(column + 4)
        paid = try row.money(column + 5)
        closing = try row.money(column + 6)
    }

    public static func += (lhs: inout Turnover, rhs: Turnover) {
        lhs.opening += rhs.opening
        lhs.charged += rhs.charged
        lhs.recalculated += rhs.recalculated
        lhs.privileges += rhs.privileges
        lhs.penalties += rhs.penalties
        lhs.paid += rhs.paid
        lhs.closing += rhs.closing
    }

    /// opening + charged + recalculated - privileges + penalties - paid.
    public var computedClosing: Money { opening + charged + recalculated - privileges + penalties - paid }
}

/// The receivables ledger, summed from the journal: per principal (or account, or service) and
/// period, the balance at the start, the turnover by kind, and the balance at the end. Every
/// figure is a sum over postings, so each traces back to its sources.
public struct ReceivablesLedger {
    public enum Grouping: String, Sendable, CaseIterable {
        case principal, service, house, account
        var column: String {
            switch self {
            case .principal: "pr.inn"
            case .service: "pr.inn || '/' || p.service_code"
            case .house: "a.house_code"
            case .account: "p.account_number"
            }
        }
    }

    /// Kinds of posting the ledger knows; any other kind in the journal breaks the balance.
    public static let kinds = ["opening", "charge", "recalculation", "privilege", "penalty", "payment"]

    /// Where the ledger reads: a database it borrows connections from, or (inside Billing, in a
    /// connection lent already) that one connection.
    enum Source {
        case database(Database)
        case connection(any Connection)
    }

    let source: Source
    /// Connections the passes premises by premises (aging, debtors) read with at once.
    var workers = 1
    /// About how many premises each range of those passes holds.
    var rangeSize = 5_000

    public init(database: Database) {
        source = .database(database)
    }

    /// The ledger of a connection lent already (Billing's own reports inside a transaction).
    init(connection: any Connection) {
        source = .connection(connection)
    }

    /// The same ledger reading the journal premises by premises on `workers` connections at
    /// once (aging and debtors; on PostgreSQL each is a server process); by default the
    /// database's parallelism for reading. `rangeSize` premises make a range that one worker
    /// reads whole.
    public func reading(workers: Int? = nil, rangeSize: Int = 5_000) -> ReceivablesLedger {
        var ledger = self
        if case .database(let database) = source {
            ledger.workers = max(1, workers ?? database.parallelism(for: .reading))
        }
        ledger.rangeSize = max(1, rangeSize)
        return ledger
    }

    /// Runs `body` with a connection of the ledger's source.
    func withConnection<T>(_ body: (any Connection) throws -> T) throws -> T {
        switch source {
        case .database(let database): try database.withConnection(body)
        case .connection(let connection): try body(connection)
        }
    }

    /// The turnover of `period` by `grouping`, from one pass over the journal; `principal` (an
    /// INN) keeps one principal's postings only.
    public func turnover(
        period: BillingPeriod, by grouping: Grouping = .principal, principal: String? = nil
    ) throws
        -> [String: Turnover]
    {
        var result: [String: Turnover] = [:]
        try withConnection { connection in
            try connection.query(
                """
                SELECT \(grouping.column),
                       SUM(CASE WHEN p.period < ? OR (p.period = ? AND p.kind = 'opening') THEN p.amount ELSE 0 END),
                       SUM(CASE WHEN p.period = ? AND p.kind = 'charge' THEN p.amount ELSE 0 END),
                       SUM(CASE WHEN p.period = ? AND p.kind = 'recalculation' THEN p.amount ELSE 0 END),
                       -SUM(CASE WHEN p.period = ? AND p.kind = 'privilege' THEN p.amount ELSE 0 END),
                       SUM(CASE WHEN p.period = ? AND p.kind = 'penalty' THEN p.amount ELSE 0 END),
                       -SUM(CASE WHEN p.period = ? AND p.kind = 'payment' THEN p.amount ELSE 0 END),
                       SUM(p.amount)
                FROM postings p JOIN principals pr ON pr.id = p.principal_id
                \(grouping == .house ? "JOIN accounts a ON a.number = p.account_number" : "")
                WHERE p.period <= ? \(principal == nil ? "" : "AND pr.inn = ?")
                GROUP BY \(grouping.column)
                """,
                [period, period, period, period, period, period, period, period] + (principal.map { [$0] } ?? [])
            ) { row in
                result[try row.string(0)] = try Turnover(row, from: 1)
            }
        }
        return result
    }

    /// A place where the books do not balance.
    public struct Imbalance: Sendable, Hashable, CustomStringConvertible {
        public var key: String
        public var expected: Money
        public var actual: Money
        public var description: String {
            "\(key): opening + charged + recalculated - privileges + penalties - paid = \(expected.formatted()), "
                + "the journal holds \(actual.formatted()) (difference \((actual - expected).formatted()))"
        }
    }

    /// Checks for each principal that the turnover adds up to the closing balance, to the kopeck.
    /// A posting of a kind the ledger does not know shows up here.
    public func check(period: BillingPeriod) throws -> [Imbalance] {
        Self.imbalances(in: try turnover(period: period))
    }

    static func imbalances(in turnover: [String: Turnover]) -> [Imbalance] {
        turnover.sorted { $0.key < $1.key }.compactMap { key, line in
            line.computedClosing == line.closing
                ? nil : Imbalance(key: key, expected: line.computedClosing, actual: line.closing)
        }
    }
}
