import Billing
import ERCTestSupport
import ExchangeConformance
import Storage
import Testing

/// Billing a generated region on SQLite; `PostgresTests` runs the same scenarios on PostgreSQL.
@Suite("Billing a generated region on SQLite")
struct BillingRegionTests {
    @Test("the books balance, a re-run adds nothing, payments are never doubled, a late reading is corrected")
    func region() throws {
        let folder = try TemporaryDirectory("erc-billing")
        let connection = try DatabaseLocation.sqlite(path: folder.file("erc.sqlite")).open()
        let files = try BillingScenarios.loadRegion(connection, premises: 400, in: folder)
        let summary = try BillingScenarios.checkInvariants(connection, files: files)
        #expect(summary.statements == 400)
        try BillingScenarios.checkRerunAddsNothing(connection)
        try BillingScenarios.checkParallelReports(DatabaseLocation.sqlite(path: folder.file("erc.sqlite")))
        try BillingScenarios.checkPayments(connection)
        try BillingScenarios.checkLateReading(connection)
    }
}
