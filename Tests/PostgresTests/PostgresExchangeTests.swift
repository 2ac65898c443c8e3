import APIConformance
import Billing
import ERCTestSupport
import ExchangeConformance
import Principals
import Storage
import Testing

@Suite("The exchange on PostgreSQL", .enabled(if: PostgresTestServer.isEnabled))
struct PostgresExchangeTests {
    @Test("every kind round-trips on PostgreSQL: inbound files export back the same, outbound files validate")
    func roundTrip() throws {
        let database = try PostgresTestServer.createDatabase()
        let folder = try TemporaryDirectory("erc-pg-roundtrip")
        try ExchangeRoundTrip.run(on: try database.location.open(), in: folder)
    }

    @Test("the same charges under two ids at once: stored once; the same file twice: stored once")
    func concurrentImports() throws {
        let database = try PostgresTestServer.createDatabase()
        let folder = try TemporaryDirectory("erc-pg-race")
        try ConcurrentImports.run(database.location, in: folder)
    }

    @Test("a rejected charges file stores nothing (staged with COPY, checked with set queries)")
    func rejectedFileStoresNothing() throws {
        let database = try PostgresTestServer.createDatabase()
        let connection = try database.location.open()
        try ExchangeRoundTrip.importFixtures(connection)
        let before = try connection.scalar("SELECT COUNT(*) FROM postings")
        for fixture in ["charges-unknown-account.xml", "charges-duplicate-row.xml", "charges-total-mismatch.xml"] {
            do {
                _ = try ExchangeImporter(connection: connection).importFile(at: TestPaths.fixture(fixture))
                Issue.record("\(fixture) was accepted")
            } catch let error as ImportError {
                #expect(!error.problems.isEmpty)
            }
            #expect(try connection.scalar("SELECT COUNT(*) FROM postings") == before)
            #expect(connection.transactionDepth == 0)
        }
        // The connection is clean afterwards: the next file imports.
        let summary = try ExchangeImporter(connection: connection).importFile(
            at: TestPaths.fixture("charges-valid.xml"))
        #expect(summary.alreadyImported)
    }
}

@Suite("Billing a generated region on PostgreSQL", .enabled(if: PostgresTestServer.isEnabled))
struct PostgresBillingTests {
    @Test("common-property utilities (СОИ): the six houses' cases to the kopeck, as on SQLite")
    func commonProperty() throws {
        let database = try PostgresTestServer.createDatabase()
        let folder = try TemporaryDirectory("erc-pg-common")
        try CommonPropertyScenarios.run(on: try database.location.open(), in: folder)
    }

    @Test("common-property data and house meters that break the rules are refused, storing nothing, as on SQLite")
    func commonPropertyRefusals() throws {
        let database = try PostgresTestServer.createDatabase()
        let folder = try TemporaryDirectory("erc-pg-common-refused")
        try CommonPropertyScenarios.checkRefusals(on: try database.location.open(), in: folder)
    }

    @Test("the books balance, a re-run adds nothing, payments are never doubled, a late reading is corrected")
    func region() throws {
        let database = try PostgresTestServer.createDatabase()
        let folder = try TemporaryDirectory("erc-pg-billing")
        let connection = try database.location.open()
        let files = try BillingScenarios.loadRegion(connection, premises: 400, in: folder)
        let summary = try BillingScenarios.checkInvariants(connection, files: files)
        #expect(summary.statements == 400)
        try BillingScenarios.checkRerunAddsNothing(connection)
        try BillingScenarios.checkParallelReports(database.location)
        try BillingScenarios.checkPayments(connection)
        try BillingScenarios.checkLateReading(connection)
    }
}

@Suite("Bank registries on PostgreSQL", .enabled(if: PostgresTestServer.isEnabled))
struct PostgresIntakeTests {
    @Test("payments recorded and allocated, unknown accounts in suspense, readings taken, nothing doubled")
    func registryImport() throws {
        let database = try PostgresTestServer.createDatabase()
        let folder = try TemporaryDirectory("erc-pg-registry")
        try IntakeScenarios.registryImport(on: try database.location.open(), in: folder)
    }
}

@Suite("Meter readings on PostgreSQL", .enabled(if: PostgresTestServer.isEnabled))
struct PostgresReadingTests {
    @Test("one per channel, every rejection, retries stored once, duplicates linked, late ones moved")
    func readings() throws {
        let database = try PostgresTestServer.createDatabase()
        let folder = try TemporaryDirectory("erc-pg-readings")
        try ReadingScenarios.run(on: try database.location.open(), in: folder)
    }
}

@Suite("The HTTP service on PostgreSQL", .enabled(if: PostgresTestServer.isEnabled))
struct PostgresHTTPServiceTests {
    @Test(
        "keys and scopes, readings from every channel and every refusal, retries, ЕПД, payments, requests, metrics, OpenAPI"
    )
    func service() async throws {
        let database = try PostgresTestServer.createDatabase()
        let folder = try TemporaryDirectory("erc-pg-api")
        try await APIScenarios.run(location: database.location, in: folder)
    }

    @Test("a reused idempotency key, a foreign terminal, throttled sessions, metrics with the status the client got")
    func access() async throws {
        let database = try PostgresTestServer.createDatabase()
        let folder = try TemporaryDirectory("erc-pg-access")
        try await AccessScenarios.run(location: database.location, in: folder)
    }

    @Test("payments taken before terminals had owners keep their terminals for the first key to claim")
    func terminalMigration() throws {
        let database = try PostgresTestServer.createDatabase()
        try AccessScenarios.terminalMigration(location: database.location)
    }
}
