public import Core
public import Storage

/// A registry operation that cannot be done: unknown principal, a status change the
/// lifecycle does not allow, invalid requisites.
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let base: String
        private init(_ base: String) { self.base = base }
        public static let notFound = Code("not found")
        public static let transition = Code("status change not allowed")
        public static let exists = Code("already registered")
        public static let requisites = Code("invalid requisites")
        public var description: String { base }
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message) - while changing the principals' registry" }
}

/// Moves principals through draft -> active -> suspended -> terminated, recording each change
/// with the day it takes effect.
public struct PrincipalLifecycle {
    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    /// Records a status the principal has from `day` on, after checking the move is allowed.
    public func record(principalId: Int64, status: PrincipalStatus, on day: CalendarDate, reason: String?) throws {
        guard let row = try connection.first("SELECT status, inn FROM principals WHERE id = ?", [principalId]) else {
            throw RegistryError(code: .notFound, message: "no principal with id \(principalId)")
        }
        let current = PrincipalStatus(rawValue: try row.string(0)) ?? .draft
        guard current.next.contains(status) else {
            throw RegistryError(
                code: .transition,
                message:
                    "principal \(try row.string(1)) is \(current); it can become \(current.next.map(\.rawValue).sorted().joined(separator: " or ").ifEmpty("nothing else"))"
            )
        }
        try connection.withTransaction {
            try connection.execute(
                "UPDATE principals SET status = ?, status_since = ? WHERE id = ?", [status.rawValue, day, principalId])
            try connection.execute(
                "INSERT INTO principal_status_history (principal_id, status, effective_on, reason) VALUES (?, ?, ?, ?)",
                [principalId, status.rawValue, day, reason])
        }
    }
}

extension PrincipalLifecycle {
    /// Whether each principal with a dated history was active in `period`: the status in force
    /// on its last day, as for the agreement in force (a principal terminated after the period
    /// was active in it; one suspended or terminated within it was not, nor one activated after
    /// it). Principals without a history are left out (their current status stands).
    public func activeIn(_ period: BillingPeriod) throws -> [Int64: Bool] {
        var history: [Int64: [(day: CalendarDate, status: PrincipalStatus)]] = [:]
        try connection.query(
            "SELECT principal_id, effective_on, status FROM principal_status_history ORDER BY principal_id, effective_on, id"
        ) { row in
            guard let status = PrincipalStatus(rawValue: try row.string(2)) else { return }
            history[try row.int64(0), default: []].append((try row.date(1), status))
        }
        return history.mapValues { changes in changes.last { $0.day <= period.lastDay }?.status == .active }
    }
}

extension PrincipalLifecycle {
    /// An SQL condition on the principals' table aliased `alias`: active in `period`
    /// (``activeIn(_:)``), the current status for a principal without a dated history. The
    /// ids are the database's own integers, written in.
    public func activeCondition(in period: BillingPeriod, alias: String) throws -> String {
        let known = try activeIn(period)
        let active = known.filter(\.value).keys.sorted()
        func list(_ ids: [Int64]) -> String { ids.isEmpty ? "-1" : ids.map(String.init).joined(separator: ", ") }
        return "((\(alias).status = 'active' AND \(alias).id NOT IN (\(list(known.keys.sorted())))) "
            + "OR \(alias).id IN (\(list(active))))"
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
