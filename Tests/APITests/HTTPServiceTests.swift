import APIConformance
import ERCTestSupport
import Storage
import Testing

@Suite("The HTTP service on SQLite")
struct HTTPServiceTests {
    @Test("keys and scopes, readings from every channel and every refusal, retries, ЕПД, payments, requests, metrics, OpenAPI")
    func service() async throws {
        let folder = try TemporaryDirectory("erc-api")
        try await APIScenarios.run(location: .sqlite(path: folder.file("erc.sqlite")), in: folder)
    }
}
