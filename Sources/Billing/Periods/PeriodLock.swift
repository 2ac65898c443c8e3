public import Core
public import Storage

/// A billing operation refused for a reason a person can act on.
public struct BillingError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let base: String
        private init(_ base: String) { self.base = base }
        public static let periodClosed = Code("period closed")
        public static let periodOrder = Code("period order")
        public static let notBilled = Code("not billed")
        public static let invalidPayment = Code("invalid payment")
        /// Another process is billing (or closing) now.
        public static let runInProgress = Code("run in progress")
        /// The period's billing is unfinished or misses premises.
        public static let incomplete = Code("billing incomplete")
        /// The period is not one that may be billed now.
        public static let periodNotBillable = Code("period not billable")
        /// A service the center calculates has no tariff (or norm) for the period.
        public static let missingTariff = Code("missing tariff")
        public var description: String { base }
    }

    public var code: Code
    public var message: String
    /// Each problem on its own, when there are several (the message names them all).
    public var problems: [String]

    public init(code: Code, message: String, problems: [String] = []) {
        self.code = code
        self.message = message
        self.problems = problems
    }

    public var description: String { "\(code): \(message)" }
}

/// Closing billing periods: a closed period takes no more charges or billing runs; a later
/// change to it is sent as a recalculation in the next open period. Periods close in order.
public struct PeriodLock {
    let connection: any Connection
    /// Who closes, for whoever finds the billing lock taken meanwhile.
    public var holder = RunLock.Holder(who: "erc period close", since: "")

    public init(connection: any Connection) {
        self.connection = connection
    }

    public func isClosed(_ period: BillingPeriod) throws -> Bool {
        try connection.scalar("SELECT COUNT(*) FROM closed_periods WHERE period = ?", [period]) > 0
    }

    /// Closed periods, oldest first, with when they were closed.
    public func closed() throws -> [(period: BillingPeriod, closedAt: String)] {
        try connection.all("SELECT period, closed_at FROM closed_periods ORDER BY period").map {
            (try $0.period(0), try $0.string(1))
        }
    }

    /// Closes `period`: it must be billed by a run that finished over every premises, not closed
    /// yet, and every earlier billed period closed. Holds the billing lock while it checks and
    /// closes, so no run bills beside it; refused while a run is in progress.
    public func close(_ period: BillingPeriod) throws {
        let runs = BillingRuns(connection: connection)
        guard let lock = try RunLock.acquire(BillingRuns.lockName, at: connection.location, holder: holder) else {
            let holder = try runs.activeHolder() ?? RunLock.Holder(who: "another process", since: "")
            throw try runs.inProgress(holder, doing: "\(period) cannot be closed")
        }
        defer { lock.release() }
        try connection.withTransaction {
            if try isClosed(period) {
                throw BillingError(code: .periodClosed, message: "\(period) is closed already")
            }
            if try connection.scalar("SELECT COUNT(*) FROM statements WHERE period = ?", [period]) == 0 {
                throw BillingError(
                    code: .notBilled, message: "\(period) has no statements: run erc bill --period \(period) first")
            }
            let open = try connection.all(
                """
                SELECT DISTINCT s.period FROM statements s
                WHERE s.period < ? AND NOT EXISTS (SELECT 1 FROM closed_periods c WHERE c.period = s.period)
                ORDER BY s.period
                """, [period]
            ).map { try $0.string(0) }
            if !open.isEmpty {
                throw BillingError(
                    code: .periodOrder, message: "close the earlier periods first: \(open.joined(separator: ", "))")
            }
            let problems = try runs.finalProblems(period, holdingLock: true)
            if !problems.isEmpty {
                throw BillingError(
                    code: .incomplete, message: "\(period) cannot be closed: " + problems.joined(separator: "; "),
                    problems: problems)
            }
            try connection.execute("INSERT INTO closed_periods (period) VALUES (?)", [period])
        }
    }
}
