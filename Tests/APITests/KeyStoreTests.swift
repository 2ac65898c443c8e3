import API
import ERCTestSupport
import Storage
import Testing

@Suite("API keys")
struct KeyStoreTests {
    @Test func aKeyWorksUntilRevokedAndItsTokenIsNeverStored() throws {
        let folder = try TemporaryDirectory("erc-keys")
        let connection = try DatabaseLocation.sqlite(path: folder.file("erc.sqlite")).open()
        let store = KeyStore(connection: connection)
        let (kiosk, token) = try store.create(name: "Инфомат, ул. Кирова, 159", role: .infomat, scope: "K-017")
        #expect(token.hasPrefix("erc_") && token.count == 4 + 64)
        #expect(try store.authenticate(token) == kiosk)
        #expect(kiosk.role == .infomat && kiosk.scope == "K-017")
        #expect(try store.authenticate(token + "0") == nil)
        #expect(try store.authenticate(String(token.dropLast()) + (token.last == "a" ? "b" : "a")) == nil)
        // Only the hash is kept: the token appears nowhere in the table.
        let stored = try connection.all("SELECT name, role, scope, prefix, hash FROM api_keys").flatMap(\.values)
        #expect(!stored.contains { "\($0)".contains(String(token.dropFirst(12))) })
        let (other, otherToken) = try store.create(name: "Водоканал", role: .principal, scope: "7451000006")
        #expect(other.id != kiosk.id && otherToken != token)
        try store.revoke(id: kiosk.id)
        #expect(try store.authenticate(token) == nil)
        #expect(try store.authenticate(otherToken) == other)
        #expect(try store.list().map(\.revokedAt).map { $0 != nil } == [true, false])
        #expect(throws: KeyError.self) { try store.create(name: "x", role: .principal, scope: "123") }
        #expect(throws: KeyError.self) { try store.create(name: "x", role: .infomat, scope: nil) }
        #expect(throws: KeyError.self) { try store.revoke(id: 999) }
    }
}
