import Batches
import Core
import Principals
import Storage

extension ReceivablesLedger {
    /// One premises at a time, the journal up to `period` grouped by principal and service, in
    /// account order. The accounts are cut into ranges of ``rangeSize``; each range is read
    /// whole (one buffered query on the journal's account index) and folded by a folder from
    /// `make`, which gets each premises with its account, owner and postal address when
    /// `withAddress` (else empty), and its groups; `emit` gets the folders' results in account
    /// order, on this thread. With ``workers`` above one, that many tasks of a ``BatchRunner``
    /// read ranges at once, each on a connection of its own, at most two ranges a worker ahead
    /// of `emit`. `principal` (an INN) keeps one principal's postings.
    func forEachRange<Folder: PremisesFolder>(
        through period: BillingPeriod, principal: String? = nil, withAddress: Bool = false,
        _ make: @escaping @Sendable () -> Folder, emit: (Folder.Result) throws -> Void
    ) throws {
        let (ranges, principalId) = try withConnection { connection in
            let bounds = try connection.all(
                """
                SELECT number FROM (SELECT number, ROW_NUMBER() OVER (ORDER BY number) AS rn FROM accounts) t
                WHERE rn % ? = 1 ORDER BY number
                """, [rangeSize]
            ).map { try $0.string(0) }
            // [first, next first); the last one up to "~", after every account number (digits).
            let ranges = bounds.indices.map { (bounds[$0], $0 + 1 < bounds.count ? bounds[$0 + 1] : "~") }
            let principalId = try principal.map { inn in
                try connection.first("SELECT id FROM principals WHERE inn = ?", [inn]).map { try $0.int64(0) } ?? -1
            }
            return (ranges, principalId)
        }
        let scan = RangeScan(
            query: Self.premisesQuery(principal: principalId != nil), period: period, principal: principalId,
            withAddress: withAddress)
        guard case .database(let database) = source, workers > 1, ranges.count > 1 else {
            try withConnection { connection in
                for range in ranges { try emit(try scan.fold(range, on: connection, make)) }
            }
            return
        }
        let workers = min(workers, ranges.count)
        let results = OrderedResults<Folder.Result>(count: ranges.count, window: workers * 2)
        _ = try BatchRunner(name: "erc-ledger").run(
            tasks: workers, closingOnFailure: [results],
            { _ in
                try database.withConnection { connection in
                    // Each range is a small index scan: planned for its own bounds, without JIT;
                    // the connection goes back to the database as it came.
                    let postgres = connection.dialect == .postgres
                    if postgres {
                        try connection.executeScript("SET jit = off; SET plan_cache_mode = force_custom_plan")
                    }
                    defer { if postgres { try? connection.executeScript("RESET jit; RESET plan_cache_mode") } }
                    while let index = results.claim() {
                        try Task.checkCancellation()
                        results.deliver(index, try scan.fold(ranges[index], on: connection, make))
                    }
                }
            },
            whileRunning: {
                while let result = try results.next() { try emit(result) }
            })
    }

    static func premisesQuery(principal: Bool) -> String {
        """
        SELECT p.account_number, p.principal_id, p.service_code, \(JournalEntry.columns)
        FROM postings p
        WHERE p.period <= ? AND p.account_number >= ? AND p.account_number < ? \(principal ? "AND p.principal_id = ?" : "")
        ORDER BY p.account_number
        """
    }

    /// Principals' INNs by id.
    func principalINNs() throws -> [Int64: String] {
        var inns: [Int64: String] = [:]
        try withConnection {
            try $0.query("SELECT id, inn FROM principals") { inns[try $0.int64(0)] = try $0.string(1) }
        }
        return inns
    }

    /// The ids of the principals whose debt passes to a new owner (capital repair, ЖК ст. 158 ч. 3).
    func debtPassesToNewOwner() throws -> Set<Int64> {
        try withConnection {
            Set(
                try $0.all("SELECT id FROM principals WHERE kind = ?", [Principal.Kind.capitalRepair.rawValue]).map {
                    try $0.int64(0)
                })
        }
    }

    /// The services' own due days (their principals' files), where they have one.
    func paymentDueDays() throws -> [ServiceKey: Int] {
        try withConnection { try Self.paymentDueDays(on: $0) }
    }

    static func paymentDueDays(on connection: any Connection) throws -> [ServiceKey: Int] {
        var days: [ServiceKey: Int] = [:]
        try connection.query(
            "SELECT principal_id, code, payment_due_day FROM services WHERE payment_due_day IS NOT NULL"
        ) { row in
            days[ServiceKey(principalId: try row.int64(0), service: try row.string(1))] = try row.int(2)
        }
        return days
    }

    /// The due-date calendar of the rates in force.
    func legalCalendar() throws -> LegalCalendar {
        try withConnection { try RatesBook(connection: $0).calendar() }
    }
}

/// What a pass premises by premises makes of one range of accounts: it takes the premises one
/// by one and gives a result (sums per principal, debtor lines).
protocol PremisesFolder: SendableMetatype {
    associatedtype Result: Sendable
    /// `owner` is the owner the premises was registered with, `owners` its owners over time
    /// when it changed owner.
    mutating func add(
        account: String, owner: String, address: String, owners: OwnerHistory?, groups: [ServiceKey: [JournalEntry]]
    ) throws
    var result: Result { get }
}

/// How a pass reads one range of the journal: its query and what it binds.
struct RangeScan: Sendable {
    let query: String
    let period: BillingPeriod
    let principal: Int64?
    let withAddress: Bool

    /// A new folder's result over the premises of `range`, read on `connection`.
    func fold<Folder: PremisesFolder>(
        _ range: (String, String), on connection: any Connection, _ make: () -> Folder
    ) throws -> Folder.Result {
        var folder = make()
        try scan(range, on: connection) {
            try folder.add(account: $0, owner: $1, address: $2, owners: $3, groups: $4)
        }
        return folder.result
    }

    /// The premises of `range` ([first, next first)), each with its groups, and with its
    /// owner and postal address when `withAddress` (read for the range in a query of its own, not
    /// repeated on every posting).
    func scan(
        _ range: (String, String), on connection: any Connection,
        _ body: (String, String, String, OwnerHistory?, [ServiceKey: [JournalEntry]]) throws -> Void
    ) throws {
        var premises: [String: (owner: String, address: String)] = [:]
        let owners = try OwnerBook(connection: connection).histories(from: range.0, to: range.1)
        if withAddress {
            try connection.queryBatch(
                """
                SELECT a.number, a.owner_name, h.postal_code, h.city, h.street, h.number, a.apartment
                FROM accounts a JOIN houses h ON h.code = a.house_code WHERE a.number >= ? AND a.number < ?
                """, [range.0, range.1]
            ) { row in
                premises[try row.string(0)] = (
                    try row.string(1),
                    "\(try row.string(2)), г. \(try row.string(3)), \(try row.string(4)), д. \(try row.string(5)), кв. \(try row.string(6))"
                )
            }
        }
        var account: String?
        var groups: [ServiceKey: [JournalEntry]] = [:]
        let binds: [any SQLBindable] = [period, range.0, range.1] + (principal.map { [$0] } ?? [])
        func finish(_ account: String) throws {
            let found = premises[account]
            try body(account, found?.owner ?? "", found?.address ?? "", owners[account], groups)
        }
        try connection.queryBatch(query, binds) { row in
            let number = try row.string(0)
            if number != account {
                if let done = account { try finish(done) }
                account = number
                groups.removeAll(keepingCapacity: true)
            }
            guard let entry = try JournalEntry(row, from: 3) else { return }
            groups[ServiceKey(principalId: try row.int64(1), service: try row.string(2)), default: []].append(entry)
        }
        if let done = account { try finish(done) }
    }
}
