import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
public import Storage

/// Database work for the HTTP service, off the event loops and off Swift's cooperative pool:
/// the drivers block (libpq, sqlite3_step), so each lane is a thread pool with one connection
/// per thread. Writes go to the write lane: one connection on SQLite (its single writer),
/// several on PostgreSQL; reads (meters, the ЕПД, keys) to the read lane.
public final class DatabasePool: Sendable {
    public enum Lane: Sendable { case read, write }

    public let location: DatabaseLocation
    private let writeThreads: NIOThreadPool
    private let readThreads: NIOThreadPool
    private let writers: NIOLockedValueBox<[Held]>
    private let readers: NIOLockedValueBox<[Held]>
    /// SQLite: the checkpointer's thread runs while this is true.
    private let checkpointing = NIOLockedValueBox(false)

    /// A connection handed from thread to thread, used by one at a time under the pool's lock.
    final class Held: @unchecked Sendable {
        var connection: any Connection
        init(_ connection: any Connection) { self.connection = connection }
    }

    /// Opens the connections (refusing a database whose schema is not this build's: `erc db
    /// migrate` brings it up to date) and starts the threads.
    /// Defaults: SQLite one writer and two readers; PostgreSQL a writer per core and two
    /// readers (more writers than cores only queue on the server: measured with erc bench api).
    public init(location: DatabaseLocation, writers: Int? = nil, readers: Int? = nil) throws {
        self.location = location
        let writerCount: Int
        switch location {
        case .sqlite: writerCount = 1
        case .postgres: writerCount = max(1, writers ?? System.coreCount)
        }
        let readerCount = max(1, readers ?? 2)
        _ = try location.openExisting()
        self.writers = NIOLockedValueBox(try (0..<writerCount).map { _ in Held(try location.connect()) })
        self.readers = NIOLockedValueBox(try (0..<readerCount).map { _ in Held(try location.connect()) })
        writeThreads = NIOThreadPool(numberOfThreads: writerCount)
        readThreads = NIOThreadPool(numberOfThreads: readerCount)
        writeThreads.start()
        readThreads.start()
        if case .sqlite = location { try startCheckpoints() }
    }

    /// On SQLite a commit that fills the write-ahead log past its limit copies it into the
    /// database file and syncs, inside that request: a stall of tens of milliseconds now and
    /// then. Here the writer never does it; a thread of its own does, every second, without
    /// blocking the writer or readers (PASSIVE).
    private func startCheckpoints() throws {
        try writers.withLockedValue { held in
            for connection in held { try connection.connection.executeScript("PRAGMA wal_autocheckpoint = 0") }
        }
        let checkpointer = Held(try location.connect())
        checkpointing.withLockedValue { $0 = true }
        let running = checkpointing
        let thread = Thread {
            while running.withLockedValue({ $0 }) {
                Thread.sleep(forTimeInterval: 1)
                try? checkpointer.connection.executeScript("PRAGMA wal_checkpoint(PASSIVE)")
            }
        }
        thread.name = "erc-sqlite-checkpoints"
        thread.start()
    }

    /// Runs `body` with a connection of the lane on one of its threads.
    public func run<T: Sendable>(
        _ lane: Lane, _ body: @escaping @Sendable (any Connection) throws -> T
    ) async throws -> T {
        let (threads, box) = lane == .write ? (writeThreads, writers) : (readThreads, readers)
        let location = location
        return try await threads.runIfActive {
            // As many connections as threads: one is always free here.
            let held = box.withLockedValue { $0.popLast()! }
            defer { box.withLockedValue { $0.append(held) } }
            do {
                return try body(held.connection)
            } catch let error as StorageError where error.code == .connection {
                // The server went away: the next request gets a new connection.
                if let fresh = try? location.connect() { held.connection = fresh }
                throw error
            }
        }
    }

    public func shutdown() async {
        checkpointing.withLockedValue { $0 = false }
        try? await writeThreads.shutdownGracefully()
        try? await readThreads.shutdownGracefully()
    }
}
