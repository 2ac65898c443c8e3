import Core
import Dispatch
import Storage
import Synchronization

extension ReceivablesLedger {
    /// One premises at a time, the journal up to `period` grouped by principal and service, in
    /// account order. The accounts are cut into ranges of ``rangeSize``; each range is read
    /// whole (one buffered query on the journal's account index) and folded by a folder from
    /// `make`, which gets each premises with its account, owner and postal address when
    /// `withAddress` (else empty), and its groups; `emit` gets the folders' results in account
    /// order. With ``workers`` above one, as many ranges as workers are read at once, each on a
    /// connection of its own. `principal` (an INN) keeps one principal's postings.
    func forEachRange<Folder: PremisesFolder>(
        through period: BillingPeriod, principal: String? = nil, withAddress: Bool = false,
        _ make: @escaping @Sendable () -> Folder, emit: (Folder.Result) throws -> Void
    ) throws {
        try withConnections(workers) { connections in
            try forEachRange(
                on: connections, through: period, principal: principal, withAddress: withAddress, make, emit: emit)
        }
    }

    private func forEachRange<Folder: PremisesFolder>(
        on connections: [any Connection], through period: BillingPeriod, principal: String?, withAddress: Bool,
        _ make: @escaping @Sendable () -> Folder, emit: (Folder.Result) throws -> Void
    ) throws {
        let connection = connections[0]
        let bounds = try connection.all(
            """
            SELECT number FROM (SELECT number, ROW_NUMBER() OVER (ORDER BY number) AS rn FROM accounts) t
            WHERE rn % ? = 1 ORDER BY number
            """, [rangeSize]
        ).map { try $0.string(0) }
        // [first, next first); the last one up to "~", after every account number (digits).
        let ranges = bounds.indices.map { (bounds[$0], $0 + 1 < bounds.count ? bounds[$0 + 1] : "~") }
        let scanners = connections.map(RangeScanner.init)
        if connections.count > 1, connection.dialect == .postgres {
            // Each range is a small index scan: planned for its own bounds, without JIT; the
            // connections go back to the database as they came.
            for connection in connections {
                try connection.executeScript("SET jit = off; SET plan_cache_mode = force_custom_plan")
            }
        }
        defer {
            if connections.count > 1, connection.dialect == .postgres {
                for connection in connections { try? connection.executeScript("RESET jit; RESET plan_cache_mode") }
            }
        }
        let principalId = try principal.map { inn in
            try connection.first("SELECT id FROM principals WHERE inn = ?", [inn]).map { try $0.int64(0) } ?? -1
        }
        let query = Self.premisesQuery(principal: principalId != nil)
        var start = 0
        while start < ranges.count {
            let wave = Array(ranges[start..<min(start + scanners.count, ranges.count)])
            let results = WaveResults<Folder.Result>()
            let failures = FailureBox()
            let read: @Sendable (Int) -> Void = { index in
                do {
                    var folder = make()
                    try scanners[index].scan(
                        query, period: period, principal: principalId, range: wave[index], withAddress: withAddress
                    ) { try folder.add(account: $0, owner: $1, address: $2, groups: $3) }
                    let result = folder.result
                    results.state.withLock { $0[index] = result }
                } catch {
                    failures.record(error)
                }
            }
            if wave.count == 1 {
                read(0)
            } else {
                DispatchQueue.concurrentPerform(iterations: wave.count, execute: read)
            }
            if let failure = failures.first { throw failure }
            let done = results.state.withLock { $0 }
            // Every range of the wave has its result (a failure was thrown above).
            for index in wave.indices { if let result = done[index] { try emit(result) } }
            start += wave.count
        }
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
}

/// What a pass premises by premises makes of one range of accounts: it takes the premises one
/// by one and gives a result (sums per principal, debtor lines).
protocol PremisesFolder: SendableMetatype {
    associatedtype Result: Sendable
    mutating func add(account: String, owner: String, address: String, groups: [ServiceKey: [JournalEntry]]) throws
    var result: Result { get }
}

/// The results of one wave of ranges, by their place in it.
final class WaveResults<Result: Sendable>: Sendable {
    let state = Mutex<[Int: Result]>([:])
}

/// One connection reading ranges of the journal. Each worker of a pass has its own and uses
/// it alone, one range at a time, which is what makes handing it to the worker's thread safe.
final class RangeScanner: @unchecked Sendable {
    let connection: any Connection

    init(_ connection: any Connection) {
        self.connection = connection
    }

    /// The premises of `range` ([first, next first)), each with its groups, and with its
    /// owner and postal address when `withAddress` (read for the range in a query of its own, not
    /// repeated on every posting).
    func scan(
        _ query: String, period: BillingPeriod, principal: Int64?, range: (String, String), withAddress: Bool,
        _ body: (String, String, String, [ServiceKey: [JournalEntry]]) throws -> Void
    ) throws {
        var premises: [String: (owner: String, address: String)] = [:]
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
            try body(account, found?.owner ?? "", found?.address ?? "", groups)
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
