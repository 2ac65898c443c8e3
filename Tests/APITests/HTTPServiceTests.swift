import APIConformance
import ERCTestSupport
import Storage
import Testing

@Suite("The HTTP service on SQLite")
struct HTTPServiceTests {
    @Test(
        "keys and scopes, readings from every channel and every refusal, retries, ЕПД, payments, requests, metrics, OpenAPI"
    )
    func service() async throws {
        let folder = try TemporaryDirectory("erc-api")
        try await APIScenarios.run(location: .sqlite(path: folder.file("erc.sqlite")), in: folder)
    }
}

@Suite("Who may write what, on SQLite")
struct AccessTests {
    @Test("a reused idempotency key, a foreign terminal, throttled sessions, metrics with the status the client got")
    func access() async throws {
        let folder = try TemporaryDirectory("erc-access")
        try await AccessScenarios.run(location: .sqlite(path: folder.file("erc.sqlite")), in: folder)
    }

    @Test("payments taken before terminals had owners keep their terminals for the first key to claim")
    func terminalMigration() throws {
        let folder = try TemporaryDirectory("erc-terminals")
        try AccessScenarios.terminalMigration(location: .sqlite(path: folder.file("erc.sqlite")))
    }
}
