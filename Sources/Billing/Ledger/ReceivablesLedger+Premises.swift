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
    /// order. With ``parallel`` set, as many ranges as workers are read at once, each on a
    /// connection of its own. `principal` (an INN) keeps one principal's postings.
    func forEachRange<Folder: PremisesFolder>(
        through period: BillingPeriod, principal: String? = nil, withAddress: Bool = false,
        _ make: @escaping @Sendable () -> Folder, emit: (Folder.Result) throws -> Void
    ) throws {
        let bounds = try connection.all(
            """
            SELECT number FROM (SELECT number, ROW_NUMBER() OVER (ORDER BY number) AS rn FROM accounts) t
            WHERE rn % ? = 1 ORDER BY number
            """, [rangeSize]
        ).map { try $0.string(0) }
        // [first, next first), the last one open.
        let ranges = bounds.indices.map { (bounds[$0], $0 + 1 < bounds.count ? bounds[$0 + 1] : nil) }
        let scanners: [RangeScanner]
        if let parallel {
            scanners = try (0..<parallel.workers).map { _ in RangeScanner(try parallel.location.connect()) }
        } else {
            scanners = [RangeScanner(connection)]
        }
        let query = Self.premisesQuery(principal: principal, withAddress: withAddress)
        var start = 0
        while start < ranges.count {
            let wave = Array(ranges[start..<min(start + scanners.count, ranges.count)])
            let results = WaveResults<Folder.Result>()
            let failures = FailureBox()
            let read: @Sendable (Int) -> Void = { index in
                do {
                    var folder = make()
                    try scanners[index].scan(
                        query, period: period, principal: principal, range: wave[index], withAddress: withAddress
                    ) { try folder.add(account: $0, owner: $1, address: $2, groups: $3) }
                    let result = folder.result
                    results.state.withLock { $0[index] = result }
                } catch {
                    failures.record(error)
                }
            }
            if wave.count == 1 { read(0) } else { DispatchQueue.concurrentPerform(iterations: wave.count, execute: read) }
            if let failure = failures.first { throw failure }
            let done = results.state.withLock { $0 }
            for index in wave.indices { try emit(done[index]!) }
            start += wave.count
        }
    }

    static func premisesQuery(principal: String?, withAddress: Bool) -> String {
        let premises = withAddress ? ", a.owner_name, h.postal_code, h.city, h.street, h.number, a.apartment" : ""
        return """
            SELECT p.account_number, p.principal_id, p.service_code, \(JournalEntry.columns)\(premises)
            FROM postings p \(principal == nil ? "" : "JOIN principals pr ON pr.id = p.principal_id")
            \(withAddress ? "JOIN accounts a ON a.number = p.account_number JOIN houses h ON h.code = a.house_code" : "")
            WHERE p.period <= ? AND p.account_number >= ? AND (CAST(? AS TEXT) IS NULL OR p.account_number < ?)
            \(principal == nil ? "" : "AND pr.inn = ?")
            ORDER BY p.account_number
            """
    }

    /// Principals' INNs by id.
    func principalINNs() throws -> [Int64: String] {
        var inns: [Int64: String] = [:]
        try connection.query("SELECT id, inn FROM principals") { inns[try $0.int64(0)] = try $0.string(1) }
        return inns
    }
}

/// What a pass premises by premises makes of one range of accounts: it takes the premises one
/// by one and gives a result (sums per principal, debtor lines).
protocol PremisesFolder {
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

    /// The premises of `range` ([first, next first), nil for open), each with its groups.
    func scan(
        _ query: String, period: BillingPeriod, principal: String?, range: (String, String?), withAddress: Bool,
        _ body: (String, String, String, [ServiceKey: [JournalEntry]]) throws -> Void
    ) throws {
        var account: String?
        var owner = ""
        var address = ""
        var groups: [ServiceKey: [JournalEntry]] = [:]
        let binds: [any SQLBindable] = [period, range.0, range.1, range.1] + (principal.map { [$0] } ?? [])
        try connection.queryBatch(query, binds) { row in
            let number = try row.string(0)
            if number != account {
                if let done = account { try body(done, owner, address, groups) }
                account = number
                groups.removeAll(keepingCapacity: true)
                if withAddress {
                    owner = try row.string(12)
                    address =
                        "\(try row.string(13)), г. \(try row.string(14)), \(try row.string(15)), д. \(try row.string(16)), кв. \(try row.string(17))"
                }
            }
            guard let entry = try JournalEntry(row, from: 3) else { return }
            groups[ServiceKey(principalId: try row.int64(1), service: try row.string(2)), default: []].append(entry)
        }
        if let done = account { try body(done, owner, address, groups) }
    }
}
