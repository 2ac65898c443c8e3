import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A database and the connections it lends: the one way erc's modules get a connection.
///
/// `withConnection` and `withTransaction` lend a connection for the duration of a closure and
/// take it back when the closure returns; a connection is valid only inside its closure and
/// must not be kept. Connections are opened on demand and kept for the next closure, so a
/// batch's workers each borrow one and give it back. How many connections work of a kind uses
/// at once is decided here, once (``parallelism(for:)``).
public final class Database: Sendable {
    /// What work the connections of ``parallelism(for:)`` do.
    public enum Work: Sendable {
        /// Reading only (rendering, report ranges): every core on both drivers.
        case reading
        /// Writing (billing batches, the service's writes): every core on PostgreSQL, one on
        /// SQLite (its single writer; billing pairs it with a reader computing ahead).
        case writing
    }

    public let location: DatabaseLocation
    /// Runs on every connection this database opens (a session setting).
    private let prepare: (@Sendable (any Connection) throws -> Void)?
    private let idle = Mutex<[Held]>([])

    /// A connection between loans. Invariant: a `Held` is in `idle` (used by nobody) or lent to
    /// exactly one closure, on one thread, until it returns; so it is never used by two threads.
    final class Held: @unchecked Sendable {
        let connection: any Connection
        init(_ connection: any Connection) { self.connection = connection }
    }

    /// A database at `location`, trusted to hold erc's schema (tests, and `existing`/`migrated`
    /// after their checks). `prepare` runs on each connection it opens.
    public init(_ location: DatabaseLocation, prepare: (@Sendable (any Connection) throws -> Void)? = nil) {
        self.location = location
        self.prepare = prepare
    }

    /// The database of one of erc's commands: at this build's schema, refused otherwise with
    /// the command to run (``DatabaseLocation/openExisting(file:line:)``); nothing is written.
    public static func existing(
        _ location: DatabaseLocation, file: String = #fileID, line: Int = #line
    ) throws -> Database {
        let database = Database(location)
        database.give(back: try location.openExisting(file: file, line: line))
        return database
    }

    /// Creates the database when it is missing and brings its schema up to date (`erc db
    /// migrate`, `erc demo`, tests).
    public static func migrated(
        _ location: DatabaseLocation, file: String = #fileID, line: Int = #line
    ) throws -> Database {
        let database = Database(location)
        database.give(back: try location.open(file: file, line: line))
        return database
    }

    /// Creates the database at `location` when it is missing and applies pending migrations;
    /// returns the versions applied now (`erc db migrate`).
    public static func migrate(_ location: DatabaseLocation, file: String = #fileID, line: Int = #line) throws -> [Int]
    {
        try Migrator(try location.connect(file: file, line: line)).migrate()
    }

    /// Lends a connection to `body` and takes it back when `body` returns; the connection is
    /// valid only inside `body`.
    public func withConnection<T>(
        file: String = #fileID, line: Int = #line, _ body: (any Connection) throws -> T
    ) throws -> T {
        let held = try borrow(file: file, line: line)
        do {
            let result = try body(held.connection)
            give(back: held.connection)
            return result
        } catch let error as StorageError where error.code == .connection {
            // The server went away: this connection is closed, the next loan opens a new one.
            throw error
        } catch {
            give(back: held.connection)
            throw error
        }
    }

    /// Lends a connection inside a transaction: committed when `body` returns, rolled back when
    /// it throws.
    public func withTransaction<T>(
        file: String = #fileID, line: Int = #line, _ body: (any Connection) throws -> T
    ) throws -> T {
        try withConnection(file: file, line: line) { connection in
            try connection.withTransaction(file: file, line: line) { try body(connection) }
        }
    }

    /// How many connections work of this kind uses at once on this driver.
    public func parallelism(for work: Work) -> Int {
        switch (work, location) {
        case (.reading, _), (.writing, .postgres): Self.cores
        case (.writing, .sqlite): 1
        }
    }

    /// The cores this process may use.
    public static var cores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Closes the connections held between loans.
    public func close() {
        idle.withLock { $0.removeAll() }
    }

    private func borrow(file: String, line: Int) throws -> Held {
        if let held = idle.withLock({ $0.popLast() }) { return held }
        let connection = try location.connectExisting(file: file, line: line)
        try prepare?(connection)
        return Held(connection)
    }

    /// A connection back between loans; one left inside a transaction (its closure escaped
    /// without finishing it) is closed instead.
    private func give(back connection: any Connection) {
        guard connection.transactionDepth == 0 else { return }
        let held = Held(connection)
        idle.withLock { $0.append(held) }
    }
}
