public import Core
public import Storage

/// Why a change of owner was refused.
public struct OwnerChangeError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// The owners of the premises: the one owner of `owner_changes`. A premises keeps the owner it
/// was registered with in `accounts`; each change is a new owner from a day, kept with what
/// recorded it (`erc premises owner`, an accounts file's line). Nothing is overwritten: another
/// name on a day that has a change already is refused with the change it conflicts with.
public struct OwnerBook {
    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    /// A name as it is kept: single spaces, none around it.
    public static func normalized(_ name: String) -> String { PrintedText.normalized(name) }

    /// Why `name` cannot be an owner's name (empty, over 200 characters, a character the ЕПД
    /// cannot print), or nil.
    public static func problem(with name: String) -> String? {
        PrintedText.problem(normalized(name), limit: 200).map { "the owner's name \($0)" }
    }

    /// Why a change from `day` cannot be made whatever the name: a day before 2000, or one in a
    /// closed period (its ЕПД were issued with the owner they name).
    public func problem(from day: CalendarDate) throws -> String? {
        if day < CalendarDate(year: 2000, month: 1, day: 1)! { return "a change of owner before 2000 (\(day.russian))" }
        let period = BillingPeriod(containing: day)
        if try connection.first("SELECT 1 FROM closed_periods WHERE period = ?", [period]) != nil {
            return "\(period) is closed: its ЕПД were issued with the owner they name; date the change from the "
                + "first day of the first open period"
        }
        return nil
    }

    /// Records that `name` owns the premises of `account` from `day`. The same change again (the
    /// same day and name) changes nothing and returns false. Refused: a name the ЕПД cannot
    /// print, an unknown account, another name on a day that has a change already, a day before
    /// 2000 or in a closed period, the owner the premises has on that day already or from the
    /// next change.
    @discardableResult
    public func change(
        account: String, to name: String, from day: CalendarDate, source: String
    ) throws -> Bool {
        let name = Self.normalized(name)
        if let problem = Self.problem(with: name) { throw OwnerChangeError(description: problem) }
        guard let history = try history(of: account) else {
            throw OwnerChangeError(description: "unknown account \(account)")
        }
        if let same = history.changes.first(where: { $0.since == day }) {
            if same.name == name { return false }
            throw OwnerChangeError(
                description:
                    "account \(account) has a change of owner on \(day.russian) already (to \(same.name)); one change a day"
            )
        }
        if let problem = try problem(from: day) { throw OwnerChangeError(description: problem) }
        if let problem = Self.repeats(history, name, from: day) {
            throw OwnerChangeError(description: "account \(account): \(problem)")
        }
        try connection.execute(
            """
            INSERT INTO owner_changes (account_number, since, owner_name, source) VALUES (?, ?, ?, ?)
            """, [account, day, name, source])
        return true
    }

    /// Why a change to `name` from `day` repeats the history: the owner on that day already, or
    /// the owner the next change makes it (the change would split one owner's time in two).
    public static func repeats(_ history: OwnerHistory, _ name: String, from day: CalendarDate) -> String? {
        if history.owner(on: day) == name { return "\(name) owns the premises on \(day.russian) already" }
        if let next = history.changes.first(where: { $0.since > day }), next.name == name {
            return "\(name) owns the premises from \(next.since.russian) already: change that day instead"
        }
        return nil
    }

    /// The owners of `account`, or nil when there is no such account.
    public func history(of account: String) throws -> OwnerHistory? {
        guard let first = try connection.first("SELECT owner_name FROM accounts WHERE number = ?", [account]) else {
            return nil
        }
        let changes = try connection.all(
            "SELECT since, owner_name FROM owner_changes WHERE account_number = ? ORDER BY since", [account]
        ).map { OwnerHistory.Change(since: try $0.date(0), name: try $0.string(1)) }
        return OwnerHistory(first: try first.string(0), changes: changes)
    }

    /// The owners of the accounts in [`first`, `next`) that changed owner, by account.
    public func histories(from first: String, to next: String) throws -> [String: OwnerHistory] {
        var histories: [String: OwnerHistory] = [:]
        var current: (account: String, first: String, changes: [OwnerHistory.Change])?
        try connection.query(
            """
            SELECT o.account_number, a.owner_name, o.since, o.owner_name FROM owner_changes o
            JOIN accounts a ON a.number = o.account_number
            WHERE o.account_number >= ? AND o.account_number < ? ORDER BY o.account_number, o.since
            """, [first, next]
        ) { row in
            let account = try row.string(0)
            let change = OwnerHistory.Change(since: try row.date(2), name: try row.string(3))
            if current?.account == account {
                current?.changes.append(change)
                return
            }
            if let done = current { histories[done.account] = OwnerHistory(first: done.first, changes: done.changes) }
            current = (account, try row.string(1), [change])
        }
        if let done = current { histories[done.account] = OwnerHistory(first: done.first, changes: done.changes) }
        return histories
    }

    /// The source an accounts file's line records a change with.
    public static func source(fileId: String, line: Int) -> String { "accounts file \(fileId) line \(line)" }

    /// The accounts an accounts file (its file id) changed the owner of.
    public func accounts(changedByFile fileId: String) throws -> [String] {
        let prefix = Self.source(fileId: fileId, line: 0).dropLast(1)
        return try connection.all(
            """
            SELECT DISTINCT account_number FROM owner_changes WHERE substr(source, 1, ?) = ? ORDER BY account_number
            """, [prefix.count, String(prefix)]
        ).map { try $0.string(0) }
    }

    /// A SQL expression for the name of the owner of `account` (an account-number expression)
    /// on the day bound to its one placeholder.
    public static func ownerOnDay(account: String, registered: String) -> String {
        """
        COALESCE((SELECT o.owner_name FROM owner_changes o WHERE o.account_number = \(account) AND o.since <= ?
                  ORDER BY o.since DESC LIMIT 1), \(registered))
        """
    }
}
