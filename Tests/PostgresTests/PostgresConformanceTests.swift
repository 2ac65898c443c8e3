import ERCTestSupport
import Storage
import StorageConformance
import Testing

@Suite("Storage conformance on PostgreSQL", .enabled(if: PostgresTestServer.isEnabled))
struct PostgresConformanceTests {
    @Test(arguments: StorageConformance.checks.map(\.name))
    func conformance(_ name: String) throws {
        let database = try PostgresTestServer.createDatabase()
        let connection = try database.location.open()
        try StorageConformance.check(named: name).run(on: connection)
    }

    @Test("a wrong server gives a connection error that names no password")
    func connectionError() throws {
        #expect {
            _ = try PostgresConnection(url: "postgres://erc:hunter2@127.0.0.1:1/erc?connect_timeout=2")
        } throws: { error in
            guard let error = error as? StorageError else { return false }
            return error.code == .connection && !error.description.contains("hunter2")
        }
    }

    @Test("two processes migrating at once apply each migration once")
    func concurrentMigrations() throws {
        let database = try PostgresTestServer.createDatabase()
        let first = try database.location.connect()
        let second = try database.location.connect()
        try Migrator(first).migrate()
        #expect(try Migrator(second).migrate().isEmpty)
        #expect(try first.scalar("SELECT COUNT(*) FROM erc_migrations") == Int64(Schema.migrations.count))
    }
}
