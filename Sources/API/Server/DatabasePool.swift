import NIOCore
import NIOPosix
public import Storage

/// Database work for the HTTP service, off the event loops and off Swift's cooperative pool:
/// the drivers block (libpq, sqlite3_step), so each lane is a thread pool that borrows its
/// connections from a ``Database``. Writes go to the write lane, as many threads as the
/// database's parallelism for writing (one on SQLite, its single writer; every core on
/// PostgreSQL); reads (meters, the ЕПД, keys) to the read lane.
public final class DatabasePool: Sendable {
    public enum Lane: Sendable { case read, write }

    public var location: DatabaseLocation { reads.location }
    /// The write lane's connections (on SQLite they never checkpoint inside a request).
    private let writes: Database
    private let reads: Database
    private let writeThreads: NIOThreadPool
    private let readThreads: NIOThreadPool
    /// SQLite: a connection of its own and a thread of its own for ``checkpoint()``.
    private let checkpoints: (database: Database, thread: NIOThreadPool)?

    /// Opens the database (refusing one whose schema is not this build's: `erc db migrate`
    /// brings it up to date) and starts the threads. `writers` overrides the write lane's size
    /// on PostgreSQL; `readers` is the read lane's (two by default).
    public init(location: DatabaseLocation, writers: Int? = nil, readers: Int? = nil) throws {
        reads = try Database.existing(location)
        let writerCount: Int
        switch location {
        case .sqlite:
            writerCount = reads.parallelism(for: .writing)
            writes = Database(location) { try $0.executeScript("PRAGMA wal_autocheckpoint = 0") }
        case .postgres:
            writerCount = max(1, writers ?? reads.parallelism(for: .writing))
            writes = Database(location)
        }
        writeThreads = NIOThreadPool(numberOfThreads: writerCount)
        readThreads = NIOThreadPool(numberOfThreads: max(1, readers ?? 2))
        writeThreads.start()
        readThreads.start()
        if case .sqlite = location {
            let thread = NIOThreadPool(numberOfThreads: 1)
            thread.start()
            checkpoints = (Database(location), thread)
        } else {
            checkpoints = nil
        }
    }

    /// Whether the database needs ``checkpoint()`` (SQLite, whose writer here never checkpoints).
    public var needsCheckpoints: Bool { checkpoints != nil }

    /// On SQLite a commit that fills the write-ahead log past its limit copies it into the
    /// database file and syncs, inside that request: a stall of tens of milliseconds now and
    /// then. Here the writer never does it; this copies what the log holds into the database
    /// without blocking the writer or readers (PASSIVE), on a connection and a thread of its
    /// own. Returns the log's frames and those copied (SQLite's answer); nothing on PostgreSQL.
    @discardableResult
    public func checkpoint() async throws -> (logged: Int64, copied: Int64)? {
        guard let (database, thread) = checkpoints else { return nil }
        return try await thread.runIfActive {
            try database.withConnection { connection in
                let row = try connection.one("PRAGMA wal_checkpoint(PASSIVE)")
                return (try row.int64(1), try row.int64(2))
            }
        }
    }

    /// Runs `body` with a connection of the lane, on one of its threads; the connection is
    /// valid only inside `body`.
    public func run<T: Sendable>(
        _ lane: Lane, _ body: @escaping @Sendable (any Connection) throws -> T
    ) async throws -> T {
        let (threads, database) = lane == .write ? (writeThreads, writes) : (readThreads, reads)
        return try await threads.runIfActive { try database.withConnection(body) }
    }

    public func shutdown() async {
        try? await writeThreads.shutdownGracefully()
        try? await readThreads.shutdownGracefully()
        if let (database, thread) = checkpoints {
            try? await thread.shutdownGracefully()
            database.close()
        }
        writes.close()
        reads.close()
    }
}
