public import Core
import Principals
import Storage

/// A reconciliation act (акт сверки) between the center and a principal, for one premises or
/// all of them, over a range of days: the balance before, every movement with the balance after
/// it, the balance at the end.
public struct ReconciliationAct: Sendable, Hashable, Codable {
    public struct Entry: Sendable, Hashable, Codable {
        public var day: CalendarDate
        public var kind: String
        public var period: BillingPeriod
        /// Positive: owed more (charges, penalties); negative: paid or reduced.
        public var amount: Money
        public var balance: Money
    }

    public var principal: String
    public var account: String?
    public var from: CalendarDate
    public var to: CalendarDate
    public var opening: Money
    public var entries: [Entry]
    public var closing: Money
    /// For one premises that changed owner: who owes what of the unpaid debt at the end (without
    /// advances), one line an owner, a period split by the days each owned it (capital repair's
    /// debt the owner's on the last day).
    public var owners: [OwnerDebt]?

    public struct OwnerDebt: Sendable, Hashable, Codable {
        public var owner: String
        public var from: CalendarDate?
        public var until: CalendarDate?
        public var debt: Money
        public var penalties: Money
    }
}

extension ReceivablesLedger {
    /// The act for `principal` (an INN), one premises or all, from `from` through `to` by the day
    /// each posting counts from. Without an account, the movements of a day are summed by kind
    /// and period, so the act of a principal of a million premises stays readable.
    public func act(
        principal: String, account: String?, from: CalendarDate, to: CalendarDate
    ) throws -> ReconciliationAct {
        try withConnection { connection in
            try act(on: connection, principal: principal, account: account, from: from, to: to)
        }
    }

    private func act(
        on connection: any Connection, principal: String, account: String?, from: CalendarDate, to: CalendarDate
    ) throws -> ReconciliationAct {
        let filter = account == nil ? "" : "AND p.account_number = ?"
        let binds: [any SQLBindable] = [principal] + (account.map { [$0] } ?? [])
        let opening = Money(
            kopecks: try connection.scalar(
                """
                SELECT SUM(p.amount) FROM postings p JOIN principals pr ON pr.id = p.principal_id
                WHERE pr.inn = ? \(filter) AND p.counts_from < ?
                """, binds + [from]))
        var balance = opening
        var entries: [ReconciliationAct.Entry] = []
        try connection.query(
            """
            SELECT p.counts_from, p.kind, p.period, SUM(p.amount) FROM postings p JOIN principals pr ON pr.id = p.principal_id
            WHERE pr.inn = ? \(filter) AND p.counts_from >= ? AND p.counts_from <= ?
            GROUP BY p.counts_from, p.kind, p.period \(account == nil ? "" : ", p.id")
            ORDER BY p.counts_from, p.period, p.kind
            """, binds + [from, to]
        ) { row in
            let amount = try row.money(3)
            balance += amount
            entries.append(
                .init(
                    day: try row.date(0), kind: try row.string(1), period: try row.period(2), amount: amount,
                    balance: balance))
        }
        var act = ReconciliationAct(
            principal: principal, account: account, from: from, to: to, opening: opening, entries: entries,
            closing: balance)
        if let account, let owners = try OwnerBook(connection: connection).history(of: account),
            !owners.changes.isEmpty
        {
            act.owners = try ownerDebts(
                on: connection, principal: principal, account: account, owners: owners, asOf: to)
        }
        return act
    }

    /// The unpaid debt of `account` to `principal` on `asOf`, by owner.
    private func ownerDebts(
        on connection: any Connection, principal: String, account: String, owners: OwnerHistory, asOf: CalendarDate
    ) throws -> [ReconciliationAct.OwnerDebt] {
        let calendar = try RatesBook(connection: connection).calendar()
        let passes =
            try connection.first("SELECT kind FROM principals WHERE inn = ?", [principal])?.string(0)
            == Principal.Kind.capitalRepair.rawValue
        let dueDays = try ReceivablesLedger.paymentDueDays(on: connection)
        let principalId = try connection.first("SELECT id FROM principals WHERE inn = ?", [principal])?.int64(0) ?? -1
        var groups: [String: [JournalEntry]] = [:]
        try connection.query(
            """
            SELECT p.service_code, \(JournalEntry.columns) FROM postings p JOIN principals pr ON pr.id = p.principal_id
            WHERE pr.inn = ? AND p.account_number = ? AND p.period <= ?
            """, [principal, account, BillingPeriod(containing: asOf)]
        ) { row in
            if let entry = try JournalEntry(row, from: 1) { groups[try row.string(0), default: []].append(entry) }
        }
        var debts = owners.spans.map {
            ReconciliationAct.OwnerDebt(owner: $0.name, from: $0.from, until: $0.until, debt: .zero, penalties: .zero)
        }
        for (service, entries) in groups {
            let shares = OwnerShare.split(
                entries, owners: owners, passesToNewOwner: passes, asOf: asOf, calendar: calendar,
                dueDay: dueDays[ServiceKey(principalId: principalId, service: service)])
            for (index, share) in shares.enumerated() {
                debts[index].debt += share.aging.total
                debts[index].penalties += share.penalties
            }
        }
        return debts
    }
}
