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

    let connection: any Connection
    /// Where to open more connections for the passes premises by premises (aging, debtors),
    /// and how many to read with at once; nil reads on `connection` alone.
    var parallel: (location: DatabaseLocation, workers: Int)?
    /// About how many premises each range of those passes holds.
    var rangeSize = 5_000

    public init(connection: any Connection) {
        self.connection = connection
    }

    /// The same ledger reading the journal premises by premises on `workers` connections of
    /// `location` at once (aging and debtors; on PostgreSQL each is a server process).
    /// `rangeSize` premises make a range that one worker reads whole.
    public func reading(from location: DatabaseLocation, workers: Int, rangeSize: Int = 5_000) -> ReceivablesLedger {
        var ledger = self
        ledger.parallel = workers > 1 ? (location, workers) : nil
        ledger.rangeSize = max(1, rangeSize)
        return ledger
    }

    /// The turnover of `period` by `grouping`, from one pass over the journal; `principal` (an
    /// INN) keeps one principal's postings only.
    public func turnover(period: BillingPeriod, by grouping: Grouping = .principal, principal: String? = nil) throws
        -> [String: Turnover]
    {
        var result: [String: Turnover] = [:]
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
