import Core
import ERCTestSupport
import Principals
import Storage
import Testing

/// Imports on a fresh SQLite database per test (the end-to-end tests repeat the path on PostgreSQL).
@Suite("Importing principals' exchange files")
struct ExchangeImporterTests {
    let folder: TemporaryDirectory
    let connection: any Connection
    let importer: ExchangeImporter

    init() throws {
        folder = try TemporaryDirectory("erc-import")
        connection = try DatabaseLocation.sqlite(path: folder.file("erc.sqlite")).open()
        importer = ExchangeImporter(connection: connection)
    }

    func importValidRegistry() throws {
        _ = try importer.importFile(at: TestPaths.fixture("principal-valid.xml"))
        _ = try importer.importFile(at: TestPaths.fixture("accounts-valid.xml"))
    }

    /// Row counts of every table an import writes, to prove a rejected file stored nothing.
    func counts() throws -> [Int64] {
        try ["principals", "services", "tariffs", "houses", "accounts", "principal_accounts", "meters", "import_files", "postings"]
            .map { try connection.scalar("SELECT COUNT(*) FROM \($0)") }
    }

    func rejected(_ fixture: String) throws -> ImportError {
        let before = try counts()
        do {
            _ = try importer.importFile(at: TestPaths.fixture(fixture))
        } catch let error as ImportError {
            #expect(try counts() == before, "a rejected file changed the database")
            #expect(connection.transactionDepth == 0)
            return error
        }
        Issue.record("\(fixture) was accepted")
        return ImportError(code: .invalid, file: fixture, problems: [])
    }

    @Test func importsAValidPrincipalRegistryAndCharges() throws {
        let principal = try importer.importFile(at: TestPaths.fixture("principal-valid.xml"))
        #expect(principal.kind == .principal && principal.rows == 2)
        let accounts = try importer.importFile(at: TestPaths.fixture("accounts-valid.xml"))
        #expect(accounts.rows == 3)
        let charges = try importer.importFile(at: TestPaths.fixture("charges-valid.xml"))
        #expect(charges.rows == 5)
        #expect(charges.total.kopecks == 171_577)
        #expect(charges.period?.description == "2026-10")
        #expect(try connection.scalar("SELECT SUM(amount) FROM postings WHERE kind = 'charge'") == 171_577)
        #expect(try connection.scalar("SELECT COUNT(*) FROM meters") == 2)
        #expect(try connection.scalar("SELECT area_centi FROM accounts WHERE number = '7400000002'") == 3_810)
        // Each posting keeps its source: file and line.
        let lines = try connection.all("SELECT source_line FROM postings ORDER BY source_line").map { try $0.int(0) }
        #expect(lines == [9, 16, 23, 30, 37])
    }

    @Test func reimportingTheSameFileChangesNothing() throws {
        try importValidRegistry()
        _ = try importer.importFile(at: TestPaths.fixture("charges-valid.xml"))
        let before = try counts()
        let again = try importer.importFile(at: TestPaths.fixture("charges-valid.xml"))
        #expect(again.alreadyImported)
        #expect(try counts() == before)
        let error = try rejected("charges-reused-id.xml")
        #expect(error.code == .fileIdReused)
        #expect(error.problems.map(\.element) == ["fileId"])
    }

    @Test func chargesNeedTheirPrincipalRegistered() throws {
        let error = try rejected("charges-valid.xml")
        #expect(error.problems.count == 1)
        #expect(error.problems[0].element == "principalInn")
    }

    @Test func unknownAccountIsNamedByLine() throws {
        try importValidRegistry()
        let error = try rejected("charges-unknown-account.xml")
        #expect(error.problems.map(\.description) == [
            "charges-unknown-account.xml:24: account: unknown account, or not one this principal serves"
        ])
    }

    @Test func duplicateRow() throws {
        try importValidRegistry()
        let error = try rejected("charges-duplicate-row.xml")
        #expect(error.problems.map(\.line) == [44])
        #expect(error.problems[0].reason.contains("duplicate"))
    }

    @Test func footerControlSumsListEveryMismatch() throws {
        try importValidRegistry()
        let error = try rejected("charges-total-mismatch.xml")
        #expect(error.problems.map(\.element) == ["rowCount", "totalAmount"])
        #expect(error.problems[1].reason.contains("1715.77"))
    }

    @Test func schemaErrorsAreAllListedWithLinesAndElements() throws {
        try importValidRegistry()
        let error = try rejected("charges-schema-errors.xml")
        #expect(error.problems.map(\.element) == ["period", "amount", "volume"])
        #expect(error.problems.map(\.line) == [5, 14, 18])
        #expect(error.problems[2].reason.contains("Expected is ( service )"))
    }

    @Test(arguments: ["charges-xxe.xml", "charges-billion-laughs.xml"])
    func documentTypeDeclarationsAreRefusedUnread(_ fixture: String) throws {
        try importValidRegistry()
        let error = try rejected(fixture)
        #expect(error.problems.map(\.description) == [
            "\(fixture):2: DOCTYPE: document type declarations are not allowed in exchange files; the file was not parsed"
        ])
    }

    @Test func malformedAndForeignFiles() throws {
        try importValidRegistry()
        let malformed = try rejected("charges-malformed.xml")
        #expect(malformed.problems.first?.reason.contains("tag mismatch") == true)
        let foreign = try rejected("charges-foreign-root.xml")
        #expect(foreign.code == .unknownKind)
        let missing = try rejected("no-such-file.xml")
        #expect(missing.code == .unreadable)
    }

    @Test func requisitesAreCheckedByTheirCheckDigits() throws {
        let error = try rejected("principal-bad-requisites.xml")
        #expect(error.problems.map(\.element) == ["inn", "account"])
        #expect(error.problems.map(\.line) == [11, 19])
    }

    @Test("the valid fixtures pass xmllint against Schemas/, the broken ones fail it")
    func fixturesAgreeWithXmllint() throws {
        let cases = [
            ("principal-valid.xml", "principal-1.xsd", true), ("accounts-valid.xml", "accounts-1.xsd", true),
            ("charges-valid.xml", "charges-1.xsd", true), ("charges-schema-errors.xml", "charges-1.xsd", false),
        ]
        for (fixture, schema, valid) in cases {
            let result = try ProcessRunner.run(
                "xmllint", ["--nonet", "--noout", "--schema", TestPaths.schema(schema), TestPaths.fixture(fixture)])
            #expect((result.status == 0) == valid, "\(fixture): \(result.stderr)")
        }
    }

    @Test("the XSDs built into erc are the files in Schemas/")
    func embeddedSchemasMatchTheRepository() throws {
        for kind in ExchangeKind.allCases {
            let onDisk = try ProcessRunner.run("cat", [TestPaths.schema(kind.schemaFileName)]).stdoutData
            #expect(Array(onDisk) == kind.schemaBytes, "\(kind.schemaFileName) differs")
        }
    }
}
