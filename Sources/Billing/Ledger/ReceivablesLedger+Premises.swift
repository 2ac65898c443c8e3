import Core
import Storage

extension ReceivablesLedger {
    /// One premises at a time, the journal up to `period` grouped by principal and service, read
    /// in the order of the journal's account index (no sort of the whole journal). `principal`
    /// (an INN) keeps one principal's postings. The body gets the account, its owner and postal
    /// address when `withAddress` (else empty), and its groups. No other query may run in the body
    /// (PostgreSQL streams this one).
    func forEachPremises(
        through period: BillingPeriod, principal: String? = nil, withAddress: Bool = false,
        _ body: (_ account: String, _ owner: String, _ address: String, _ groups: [ServiceKey: [JournalEntry]]) throws -> Void
    ) throws {
        var account: String?
        var owner = ""
        var address = ""
        var groups: [ServiceKey: [JournalEntry]] = [:]
        let premises = withAddress
            ? ", a.owner_name, h.postal_code, h.city, h.street, h.number, a.apartment" : ""
        try connection.query(
            """
            SELECT p.account_number, p.principal_id, p.service_code, \(JournalEntry.columns)\(premises)
            FROM postings p \(principal == nil ? "" : "JOIN principals pr ON pr.id = p.principal_id")
            \(withAddress ? "JOIN accounts a ON a.number = p.account_number JOIN houses h ON h.code = a.house_code" : "")
            WHERE p.period <= ? \(principal == nil ? "" : "AND pr.inn = ?")
            ORDER BY p.account_number
            """, [period] + (principal.map { [$0] } ?? [])
        ) { row in
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

    /// Principals' INNs by id.
    func principalINNs() throws -> [Int64: String] {
        var inns: [Int64: String] = [:]
        try connection.query("SELECT id, inn FROM principals") { inns[try $0.int64(0)] = try $0.string(1) }
        return inns
    }
}
