import ERCTestSupport
import Storage
import StorageConformance
import Testing

@Suite("Storage conformance on SQLite")
struct SQLiteConformanceTests {
    @Test(arguments: StorageConformance.checks.map(\.name))
    func conformance(_ name: String) throws {
        let folder = try TemporaryDirectory("erc-sqlite")
        let connection = try DatabaseLocation.sqlite(path: folder.file("test.sqlite")).open()
        try StorageConformance.check(named: name).run(on: connection)
    }

    @Test("the default database is erc.sqlite; --db and ERC_DATABASE_URL override it")
    func location() {
        #expect(DatabaseLocation.resolve(option: nil, environment: [:]) == .sqlite(path: "erc.sqlite"))
        #expect(
            DatabaseLocation.resolve(option: nil, environment: ["ERC_DATABASE_URL": "postgres://u:p@h/db"])
                == .postgres(url: "postgres://u:p@h/db"))
        #expect(
            DatabaseLocation.resolve(option: "other.sqlite", environment: ["ERC_DATABASE_URL": "postgres://h/db"])
                == .sqlite(path: "other.sqlite"))
        #expect(DatabaseLocation("postgres://erc:secret@db:5432/erc").description == "postgres://erc:***@db:5432/erc")
    }

    @Test("the file is in WAL mode")
    func walMode() throws {
        let folder = try TemporaryDirectory("erc-sqlite")
        let connection = try DatabaseLocation.sqlite(path: folder.file("wal.sqlite")).open()
        #expect(try connection.first("PRAGMA journal_mode")?.string(0) == "wal")
    }
}
