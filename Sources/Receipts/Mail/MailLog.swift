public import Core
public import Storage

/// The log of e-mailed ЕПД: the one owner of `mail_log`. Each message of a period and account
/// goes through queued, sending (marked before the data goes out), then sent, temporary (tried
/// again later), failed (never again); a message found in sending when a run starts was caught
/// by a kill: in doubt, sent again only when asked, with the same Message-ID.
public struct MailLog {
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case queued, sending, sent, temporary, failed
        case inDoubt = "in-doubt"
        /// The customer chose paper before it went out.
        case withdrawn
    }

    public struct Entry: Sendable, Hashable, Codable {
        public var account: String
        public var address: String
        public var messageId: String
        public var state: State
        public var attempts: Int
        public var reply: String?
        public var updatedAt: String
    }

    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    /// Queues a message for every statement of `period` whose customer's consent in force
    /// (`consents`, a subquery) is by e-mail (or both) and has none yet; returns how many were
    /// queued now. The Message-ID is the period's and the account's, the same on every try.
    @discardableResult
    public func queue(period: BillingPeriod, domain: String, at stamp: String, consents: String) throws -> Int {
        let before = try connection.scalar("SELECT COUNT(*) FROM mail_log WHERE period = ?", [period])
        try connection.execute(
            """
            INSERT INTO mail_log (period, account_number, address, message_id, state, updated_at)
            SELECT s.period, s.account_number, c.email,
                   '<epd.' || s.period || '.' || s.account_number || '@' || ? || '>', 'queued', ?
            FROM statements s JOIN \(consents) c ON c.account_number = s.account_number
            WHERE s.period = ? AND c.delivery IN ('email', 'both') AND c.email IS NOT NULL
            ON CONFLICT (period, account_number) DO NOTHING
            """, [domain, stamp, period])
        let queued = Int(try connection.scalar("SELECT COUNT(*) FROM mail_log WHERE period = ?", [period]) - before)
        // A message not sent yet follows the consent in force: withdrawn when the customer chose
        // paper since, to the new address when it changed; a failed one to a new address is
        // queued again.
        try connection.execute(
            """
            UPDATE mail_log SET state = 'withdrawn', updated_at = ?
            WHERE period = ? AND state IN ('queued', 'temporary', 'failed') AND NOT EXISTS (
                SELECT 1 FROM \(consents) c WHERE c.account_number = mail_log.account_number
                AND c.delivery IN ('email', 'both') AND c.email IS NOT NULL)
            """, [stamp, period])
        try connection.execute(
            """
            UPDATE mail_log SET state = 'queued', attempts = 0, address = (
                SELECT c.email FROM \(consents) c WHERE c.account_number = mail_log.account_number), updated_at = ?
            WHERE period = ? AND state IN ('queued', 'temporary', 'failed', 'withdrawn') AND EXISTS (
                SELECT 1 FROM \(consents) c WHERE c.account_number = mail_log.account_number
                AND c.delivery IN ('email', 'both') AND c.email IS NOT NULL AND c.email <> mail_log.address)
            """, [stamp, period])
        try connection.execute(
            """
            UPDATE mail_log SET state = 'queued', updated_at = ?
            WHERE period = ? AND state = 'withdrawn' AND EXISTS (
                SELECT 1 FROM \(consents) c WHERE c.account_number = mail_log.account_number
                AND c.delivery IN ('email', 'both') AND c.email = mail_log.address)
            """, [stamp, period])
        return queued
    }

    /// Messages left in sending by a run that was killed: in doubt now. Returns how many.
    @discardableResult
    public func markInDoubt(period: BillingPeriod, at stamp: String) throws -> Int {
        let count = try connection.scalar(
            "SELECT COUNT(*) FROM mail_log WHERE period = ? AND state = 'sending'", [period])
        try connection.execute(
            "UPDATE mail_log SET state = 'in-doubt', updated_at = ? WHERE period = ? AND state = 'sending'",
            [stamp, period])
        return Int(count)
    }

    /// The messages to try now: queued ones, temporary ones due by `now`, and in-doubt ones when
    /// `resendInDoubt`; by account.
    public func due(period: BillingPeriod, now: String, resendInDoubt: Bool) throws -> [Entry] {
        try entries(
            period: period,
            where: "(state = 'queued' OR (state = 'temporary' AND next_try_at <= ?)"
                + (resendInDoubt ? " OR state = 'in-doubt')" : ")"),
            [now])
    }

    /// Every message of `period` in `states` (all when empty), by account.
    public func entries(period: BillingPeriod, states: [State] = []) throws -> [Entry] {
        let list = states.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try entries(period: period, where: states.isEmpty ? "1 = 1" : "state IN (\(list))", [])
    }

    private func entries(period: BillingPeriod, where condition: String, _ binds: [any SQLBindable]) throws -> [Entry] {
        try connection.all(
            """
            SELECT account_number, address, message_id, state, attempts, reply, updated_at FROM mail_log
            WHERE period = ? AND \(condition) ORDER BY account_number
            """, [period] + binds
        ).map { row in
            Entry(
                account: try row.string(0), address: try row.string(1), messageId: try row.string(2),
                state: State(rawValue: try row.string(3)) ?? .queued, attempts: try row.int(4),
                reply: try row.optionalString(5), updatedAt: try row.string(6))
        }
    }

    /// Marks the message of `account` as being sent, before its data goes out (committed by the
    /// caller before it sends).
    public func markSending(period: BillingPeriod, account: String, at stamp: String) throws {
        try connection.execute(
            """
            UPDATE mail_log SET state = 'sending', attempts = attempts + 1, updated_at = ?
            WHERE period = ? AND account_number = ?
            """, [stamp, period, account])
    }

    /// What became of it: sent, temporary (with the next try) or failed, with the server's reply.
    public func mark(
        period: BillingPeriod, account: String, _ state: State, reply: String, nextTry: String? = nil, at stamp: String
    ) throws {
        try connection.execute(
            """
            UPDATE mail_log SET state = ?, reply = ?, next_try_at = ?, updated_at = ?
            WHERE period = ? AND account_number = ?
            """, [state.rawValue, reply, nextTry, stamp, period, account])
    }

    /// Messages of `period` by state.
    public func counts(period: BillingPeriod) throws -> [State: Int] {
        var counts: [State: Int] = [:]
        try connection.query("SELECT state, COUNT(*) FROM mail_log WHERE period = ? GROUP BY state", [period]) { row in
            if let state = State(rawValue: try row.string(0)) { counts[state] = try row.int(1) }
        }
        return counts
    }
}
