import Foundation
import NIOConcurrencyHelpers
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
    /// SQLite: the checkpointer's thread runs while this is true.
    private let checkpointing = NIOLockedValueBox(false)

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
        if case .sqlite = location { startCheckpoints() }
    }

    /// On SQLite a commit that fills the write-ahead log past its limit copies it into the
    /// database file and syncs, inside that request: a stall of tens of milliseconds now and
    /// then. Here the writer never does it; a thread of its own does, every second, without
    /// blocking the writer or readers (PASSIVE).
    private func startCheckpoints() {
        checkpointing.withLockedValue { $0 = true }
        let running = checkpointing
        let database = Database(location)
        let thread = Thread {
            while running.withLockedValue({ $0 }) {
                Thread.sleep(forTimeInterval: 1)
                try? database.withConnection { try $0.executeScript("PRAGMA wal_checkpoint(PASSIVE)") }
            }
            database.close()
        }
        thread.name = "erc-sqlite-checkpoints"
        thread.start()
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
        checkpointing.withLockedValue { $0 = false }
        try? await writeThreads.shutdownGracefully()
        try? await readThreads.shutdownGracefully()
        writes.close()
        reads.close()
    }
}
