import Core
import ERCTestSupport
import Foundation
import Storage
import Testing

/// The principals' commands as an accountant types them.
@Suite("erc principals")
struct PrincipalsCommandTests {
    func erc(_ arguments: [String], in folder: TemporaryDirectory) throws -> ProcessResult {
        try ProcessRunner.run(
            TestPaths.ercBinary, arguments, environment: ["ERC_DATABASE_URL": ""], currentDirectory: folder.path)
    }

    static let add = [
        "principals", "add", "--name", "ООО «Домофон-Плюс»", "--kind", "intercom", "--inn", "7453007776", "--kpp",
        "745301001",
        "--ogrn", "1027400010000", "--address", "г. Челябинск, ул. Труда, д. 1", "--phone", "+7 (351) 000-00-00",
        "--bank-name", "ПАО СБЕРБАНК", "--bic", "047501602", "--corr-account", "30101810700000000602",
        "--account", "40702810100000000777", "--service", "DOM:Домофон:шт.",
    ]

    @Test func addListSuspendResumeTerminate() throws {
        let folder = try TemporaryDirectory("erc-cli")
        #expect(try erc(["db", "migrate"], in: folder).status == 0)
        let added = try erc(Self.add, in: folder)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("draft (no agreement yet)"))
        #expect(try erc(["principals", "activate", "7453007776", "--on", "2026-10-01"], in: folder).status == 0)
        let suspend = try erc(
            ["principals", "suspend", "7453007776", "--on", "2026-11-01", "--reason", "спор"], in: folder)
        #expect(suspend.stdout.contains("is suspended from 2026-11-01"))
        let json = try erc(["principals", "list", "--format", "json"], in: folder)
        let list = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(list?.first?["status"] as? String == "suspended")
        let csv = try erc(["principals", "list", "--format", "csv"], in: folder)
        #expect(csv.stdout.hasPrefix("INN,Name,Kind,Status"))
        #expect(csv.stdout.contains("7453007776,ООО «Домофон-Плюс»,intercom,suspended,2026-11-01"))
        #expect(try erc(["principals", "resume", "7453007776", "--on", "2026-11-05"], in: folder).status == 0)
        #expect(try erc(["principals", "terminate", "7453007776", "--on", "2026-12-31"], in: folder).status == 0)
        let again = try erc(["principals", "resume", "7453007776"], in: folder)
        #expect(again.status != 0)
        #expect(again.stderr.contains("is terminated"))
        let show = try erc(["principals", "show", "7453007776"], in: folder)
        #expect(show.stdout.contains("2026-11-01 suspended (спор)"))
        #expect(show.stdout.contains("DOM  Домофон (шт.)"))
    }

    @Test func addListsEveryBadRequisite() throws {
        let folder = try TemporaryDirectory("erc-cli")
        #expect(try erc(["db", "migrate"], in: folder).status == 0)
        var arguments = Self.add
        arguments[arguments.firstIndex(of: "7453007776")!] = "7453007777"
        arguments[arguments.firstIndex(of: "40702810100000000777")!] = "40702810000000000777"
        arguments[arguments.firstIndex(of: "745301001")!] = "74530100"
        let result = try erc(arguments, in: folder)
        #expect(result.status == 64)
        #expect(result.stderr.contains("INN: check digit does not match"))
        #expect(result.stderr.contains("KPP: must be 9 characters"))
        #expect(result.stderr.contains("account: control key does not match the BIC"))
        #expect(
            try erc(["principals", "list", "--format", "csv"], in: folder).stdout.split(separator: "\n").count == 1)
    }

    @Test("a report that cannot be written is said before anything is imported (exit 73)")
    func unwritableReport() throws {
        let folder = try TemporaryDirectory("erc-cli")
        #expect(try erc(["db", "migrate"], in: folder).status == 0)
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder.file("a-file")))
        let principal = TestPaths.fixture("principal-valid.xml")
        for report in [folder.file("a-file/report.xml"), folder.file("a-file")] {
            let refused = try erc(
                ["principals", "import", "--report", report, principal, TestPaths.fixture("accounts-valid.xml")],
                in: folder)
            #expect(refused.status == 73, "\(refused.stderr)")
            #expect(refused.stderr.contains("cannot write \(folder.file("a-file"))"), "\(refused.stderr)")
        }
        #expect(
            try erc(["principals", "list", "--format", "csv"], in: folder).stdout.split(separator: "\n").count == 1,
            "nothing was imported")
        // A folder for several reports is made when missing.
        let made = try erc(
            [
                "principals", "import", "--report", folder.file("reports/today"), principal,
                TestPaths.fixture("accounts-valid.xml"),
            ], in: folder)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.file("reports/today/principal-valid.xml.report.xml")))
    }

    @Test("results that cannot reach standard output fail the command (exit 74)")
    func unwritableOutput() throws {
        let folder = try TemporaryDirectory("erc-cli")
        #expect(try erc(["db", "migrate"], in: folder).status == 0)
        #expect(try erc(Self.add, in: folder).status == 0)
        let full = try ProcessRunner.run(
            "/bin/sh", ["-c", "\"$0\" principals list --db erc.sqlite > /dev/full", TestPaths.ercBinary],
            environment: ["ERC_DATABASE_URL": ""], currentDirectory: folder.path)
        #expect(full.status == 74, "\(full.stderr)")
        #expect(full.stderr.contains("could not be written to standard output"), "\(full.stderr)")
    }

    @Test func importWritesAReportAndExportValidates() throws {
        let folder = try TemporaryDirectory("erc-cli")
        #expect(try erc(["db", "migrate"], in: folder).status == 0)
        let files = ["principal", "accounts", "meters", "tariffs", "charges"].map {
            TestPaths.fixture("\($0)-valid.xml")
        }
        let imported = try erc(["principals", "import", "--report", folder.path] + files, in: folder)
        #expect(imported.status == 0, "\(imported.stderr)")
        for name in ["principal", "accounts", "meters", "tariffs", "charges"] {
            let report = folder.file("\(name)-valid.xml.report.xml")
            let lint = try ProcessRunner.run(
                "xmllint", ["--nonet", "--noout", "--schema", TestPaths.schema("import-report-1.xsd"), report])
            #expect(lint.status == 0, "\(lint.stderr)")
            #expect(try String(contentsOfFile: report, encoding: .utf8).contains("<status>accepted</status>"))
        }
        let bad = try erc(
            [
                "principals", "import", "--report", folder.file("bad.xml"),
                TestPaths.fixture("charges-duplicate-row.xml"),
            ], in: folder)
        #expect(bad.status == 65)
        #expect(try String(contentsOfFile: folder.file("bad.xml"), encoding: .utf8).contains("<line>45</line>"))
        for kind in [
            "principal", "accounts", "meters", "tariffs", "charges", "readings", "payments", "agent-report", "debtors",
        ] {
            let out = folder.file("export-\(kind).xml")
            let export = try erc(
                ["principals", "export", kind, "--principal", "7453007776", "--period", "2026-10", "--out", out],
                in: folder)
            #expect(export.status == 0, "\(kind): \(export.stderr)")
            let lint = try ProcessRunner.run(
                "xmllint", ["--nonet", "--noout", "--schema", TestPaths.schema("\(kind)-1.xsd"), out])
            #expect(lint.status == 0, "\(kind): \(lint.stderr)")
        }
        let stranger = try erc(
            [
                "principals", "export", "debtors", "--principal", "7400000000", "--period", "2026-10", "--out",
                folder.file("no.xml"),
            ],
            in: folder)
        #expect(stranger.status != 0)
        #expect(stranger.stderr.contains("no principal with INN 7400000000"))
        #expect(!FileManager.default.fileExists(atPath: folder.file("no.xml")))
        #expect(!FileManager.default.fileExists(atPath: folder.file("no.xml.partial")))
        let unknown = try erc(
            ["principals", "export", "invoices", "--principal", "7453007776", "--period", "2026-10", "--out", "x"],
            in: folder)
        #expect(unknown.status == 64)
    }
}
