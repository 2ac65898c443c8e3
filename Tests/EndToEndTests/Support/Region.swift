import ERCTestSupport
import Foundation
import Storage
import Testing

/// The database drivers an end-to-end test runs on: SQLite always, PostgreSQL when the test
/// server is there (always under `make test`).
enum Driver: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    static var enabled: [Driver] { PostgresTestServer.isEnabled ? [.sqlite, .postgres] : [.sqlite] }
    var testDescription: String { rawValue }
}

/// A database for one test: an SQLite file in the test's folder, or a PostgreSQL database.
final class TestDB: Sendable {
    let driver: Driver
    /// What `--db` takes.
    let argument: String
    let postgres: TestDatabase?

    init(driver: Driver, argument: String, postgres: TestDatabase?) {
        self.driver = driver
        self.argument = argument
        self.postgres = postgres
    }

    var location: DatabaseLocation { DatabaseLocation(argument) }

    /// A new connection (a test must close it before the database is copied or dropped).
    func connect() throws -> any Connection { try location.connect() }

    func scalar(_ sql: String, _ binds: [any SQLBindable] = []) throws -> Int64 {
        try connect().scalar(sql, binds)
    }
}

/// The demo region's files, generated once by the built `erc` for every test that needs them,
/// and a database per driver with the center's requisites (`Fixtures/center-valid.xml`) and all
/// of them imported but the capital-repair fund's tariffs
/// (a test of a missing tariff starts there; the others import that file first). Each test gets
/// its own copy.
enum Region {
    static let premises = 1_000
    static let period = "2026-10"
    /// The capital-repair fund of the demo region: charged per m², by the center.
    static let capitalRepairINN = "7451001850"

    struct Files: Sendable {
        let folder: TemporaryDirectory
        /// Every file, in import order, but the capital-repair tariffs.
        let ordered: [String]
        let capitalRepairTariffs: String

        func file(_ prefix: String) -> String {
            ordered.first { URL(fileURLWithPath: $0).lastPathComponent.hasPrefix(prefix) }!
        }
    }

    static func erc(_ arguments: [String], in folder: String) throws -> ProcessResult {
        try ProcessRunner.run(
            TestPaths.ercBinary, arguments, environment: ["ERC_DATABASE_URL": ""], currentDirectory: folder)
    }

    static let files: Result<Files, any Error> = Result {
        let folder = try TemporaryDirectory("erc-region")
        let generated = try erc(
            ["demo", "--premises", "\(premises)", "--seed", "7", "--files-only", "--out", folder.file("demo")],
            in: folder.path)
        guard generated.status == 0 else { throw Failure("erc demo --files-only failed: \(generated.stderr)") }
        let exchange = folder.file("demo/exchange")
        let names = try FileManager.default.contentsOfDirectory(atPath: exchange)
        let capital = "tariffs-\(capitalRepairINN).xml"
        let ordered = ["principal", "accounts", "meters", "tariffs", "readings", "charges"].flatMap { kind in
            names.filter { $0.hasPrefix(kind + "-") && $0 != capital }.sorted().map { "\(exchange)/\($0)" }
        }
        return Files(folder: folder, ordered: ordered, capitalRepairTariffs: "\(exchange)/\(capital)")
    }

    /// The imported template of each driver.
    static let templates: [Driver: Result<TestDB, any Error>] = Dictionary(
        uniqueKeysWithValues: Driver.enabled.map { driver in
            (driver, Result { try makeTemplate(driver) })
        })

    private static func makeTemplate(_ driver: Driver) throws -> TestDB {
        let files = try Self.files.get()
        let db: TestDB
        switch driver {
        case .sqlite:
            db = TestDB(driver: .sqlite, argument: files.folder.file("template.sqlite"), postgres: nil)
        case .postgres:
            let database = try PostgresTestServer.createDatabase(prefix: "erc_tpl")
            db = TestDB(driver: .postgres, argument: database.url, postgres: database)
        }
        let migrate = try erc(["db", "migrate", "--db", db.argument], in: files.folder.path)
        guard migrate.status == 0 else { throw Failure("db migrate: \(migrate.stderr)") }
        let imported = try erc(["principals", "import", "--db", db.argument] + files.ordered, in: files.folder.path)
        guard imported.status == 0 else { throw Failure("import: \(imported.stderr.prefix(2_000))") }
        let center = try erc(
            ["center", "import", "--db", db.argument, TestPaths.fixture("center-valid.xml")], in: files.folder.path)
        guard center.status == 0 else { throw Failure("center import: \(center.stderr)") }
        return db
    }

    /// A copy of the template for one test.
    static func database(_ driver: Driver, in folder: TemporaryDirectory) throws -> TestDB {
        let template = try templates[driver]!.get()
        switch driver {
        case .sqlite:
            let path = folder.file("erc.sqlite")
            try FileManager.default.copyItem(atPath: template.argument, toPath: path)
            return TestDB(driver: .sqlite, argument: path, postgres: nil)
        case .postgres:
            let database = try PostgresTestServer.createDatabase(template: template.postgres)
            return TestDB(driver: .postgres, argument: database.url, postgres: database)
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// `erc` run the way an accountant runs it, in a test's folder.
struct ERCRunner {
    let folder: TemporaryDirectory

    @discardableResult
    func callAsFunction(_ arguments: [String]) throws -> ProcessResult {
        try Region.erc(arguments, in: folder.path)
    }

    /// Starts `erc` without waiting for it; its output is thrown away.
    func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.ercBinary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
