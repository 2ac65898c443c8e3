import ERCTestSupport
import Foundation
import Logging
import ServiceLifecycle
import Storage
import Synchronization
import Testing

@testable import API

/// The SQLite checkpointer, a service of the server's group.
@Suite("SQLite checkpoints")
struct CheckpointerTests {
    func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
    }

    @Test func theServiceCopiesTheLogIntoTheDatabaseAndStopsOnShutdown() async throws {
        let folder = try TemporaryDirectory("erc-checkpoint")
        let path = "\(folder.path)/erc.sqlite"
        try Database.migrated(.sqlite(path: path)).close()
        let pool = try DatabasePool(location: .sqlite(path: path))
        #expect(pool.needsCheckpoints)
        // The write lane never checkpoints: a megabyte written stays in the log.
        try await pool.run(.write) { connection in
            try connection.executeScript("CREATE TABLE filler (x BLOB); INSERT INTO filler VALUES (zeroblob(1000000))")
        }
        let before = size(path)
        #expect(size(path + "-wal") > 1_000_000)

        let checkpointer = Checkpointer(pool: pool, interval: .milliseconds(20), logger: Logger(label: "test"))
        let group = ServiceGroup(services: [checkpointer], logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        var after = before
        for _ in 0..<250 where after < before + 1_000_000 {
            try await Task.sleep(for: .milliseconds(20))
            after = size(path)
        }
        #expect(after >= before + 1_000_000, "the database file grew by the log's pages: \(before) -> \(after)")
        await group.triggerGracefulShutdown()
        try await running.value
        await pool.shutdown()
    }

    @Test(.enabled(if: PostgresTestServer.isEnabled)) func aPostgreSQLPoolNeedsNone() async throws {
        let database = try PostgresTestServer.createDatabase()
        try Database.migrated(database.location).close()
        let pool = try DatabasePool(location: database.location)
        #expect(!pool.needsCheckpoints)
        #expect(try await pool.checkpoint() == nil)
        // Its service stays until the group shuts down: one that returned would end the server.
        let group = ServiceGroup(
            services: [Checkpointer(pool: pool, logger: Logger(label: "test"))], logger: Logger(label: "test"))
        let ended = Atomic(false)
        let running = Task {
            try await group.run()
            ended.store(true, ordering: .relaxed)
        }
        try await Task.sleep(for: .milliseconds(200))
        let endedEarly = ended.load(ordering: .relaxed)
        #expect(!endedEarly)
        await group.triggerGracefulShutdown()
        try await running.value
        await pool.shutdown()
    }
}
