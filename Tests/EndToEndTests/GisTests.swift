import ERCTestSupport
import Foundation
import Storage
import Testing

/// `erc gis import-ids`: the identifiers ГИС ЖКХ gave back, stored whole or not at all, and the
/// ЕПД printing the ЕЛС and the ИПД.
@Suite("ГИС ЖКХ's identifiers")
struct GisTests {
    func erc(_ arguments: [String], in folder: TemporaryDirectory) throws -> ProcessResult {
        try ProcessRunner.run(
            TestPaths.ercBinary, arguments, environment: ["ERC_DATABASE_URL": ""], currentDirectory: folder.path)
    }

    static func file(_ fileId: String, _ entries: String, rows: Int) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <gisIdsFile xmlns="urn:erc:exchange:1">
          <header><centerInn>7453000019</centerInn><fileId>\(fileId)</fileId><createdAt>2026-11-05T10:00:00+05:00</createdAt></header>
        \(entries)
          <footer><rowCount>\(rows)</rowCount></footer>
        </gisIdsFile>
        """
    }

    static func guid(_ n: Int) -> String { "\(n)b4e28ba-2fa1-11d2-883f-0016d3cca427" }

    @Test("a file of identifiers is stored whole, the ЕПД prints the ЕЛС and the ИПД; a bad one stores nothing")
    func importIds() throws {
        let folder = try TemporaryDirectory("erc-gis")
        let db = folder.file("erc.sqlite")
        let demo = try erc(
            ["demo", "--premises", "40", "--seed", "4", "--db", db, "--out", folder.file("demo"), "--no-render"],
            in: folder)
        #expect(demo.status == 0, "\(demo.stderr)")
        let connection = try DatabaseLocation.sqlite(path: db).connect()
        let tables = ["gis_accounts", "gis_meters", "gis_principals", "gis_services", "gis_payment_information"]
        func counts() throws -> [Int64] {
            try (tables + ["gis_documents"]).map { try connection.scalar("SELECT COUNT(*) FROM \($0)") }
        }
        // Before: the ЕПД goes by the center's own number.
        let before = try erc(
            [
                "receipts", "show", "--db", db, "--account", "0100000001", "--period", "2026-10", "--out",
                folder.file("before.pdf"),
            ], in: folder)
        #expect(before.status == 0, "\(before.stderr)")
        let plain = try ProcessRunner.run("pdftotext", [folder.file("before.pdf"), "-"]).stdout
        #expect(plain.contains("№ 0100000001-102026") && !plain.contains("ЕЛС"), "\(plain.prefix(300))")

        // Every problem of a bad file named; nothing stored.
        let bad = folder.file("bad.xml")
        try Self.file(
            "GIS-BAD",
            """
              <account><number>0100009999</number><unifiedAccountNumber>75da533315</unifiedAccountNumber><serviceId>75da533316-01</serviceId><accountGuid>\(Self.guid(1))</accountGuid></account>
              <meter><principalInn>7451000006</principalInn><serial>NOPE</serial><rootGuid>\(Self.guid(2))</rootGuid></meter>
              <principal><inn>7700000000</inn><orgPpaGuid>\(Self.guid(3))</orgPpaGuid></principal>
              <service><principalInn>7451000006</principalInn><code>XX</code><registry>3</registry><nsiCode>1</nsiCode><nsiGuid>\(Self.guid(4))</nsiGuid></service>
              <paymentInformation><bic>047501602</bic><account>40702810000000000001</account><guid>\(Self.guid(5))</guid></paymentInformation>
              <document><account>0100000001</account><period>2026-11</period><documentId>75da533315-01-6101</documentId></document>
            """, rows: 6
        ).write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try erc(["gis", "import-ids", "--db", db, bad], in: folder)
        #expect(refused.status == 65)
        for expected in [
            "bad.xml:4: serviceId: does not start with the account's ЕЛС 75da533315",
            "bad.xml:4: number: no premises has this account",
            "bad.xml:5: serial: no meter of this principal with this serial",
            "bad.xml:6: inn: no principal with this INN is registered",
            "bad.xml:7: code: not a service of this principal",
            "bad.xml:8: account: not a settlement account the center has had",
            "bad.xml:9: period: no ЕПД of this account was billed for the period",
        ] {
            #expect(refused.stderr.contains(expected), "\(expected)\n\(refused.stderr)")
        }
        #expect(try counts() == [0, 0, 0, 0, 0, 0])
        // A malformed GUID is the schema's to refuse.
        let malformed = folder.file("malformed.xml")
        try Self.file(
            "GIS-GUID",
            """
              <principal><inn>7451000006</inn><orgPpaGuid>not-a-guid</orgPpaGuid></principal>
            """, rows: 1
        ).write(toFile: malformed, atomically: true, encoding: .utf8)
        let schema = try erc(["gis", "import-ids", "--db", db, malformed], in: folder)
        #expect(schema.status == 65 && schema.stderr.contains("malformed.xml:4: orgPpaGuid"), "\(schema.stderr)")

        let good = folder.file("ids.xml")
        try Self.file(
            "GIS-1",
            """
              <account><number>0100000001</number><unifiedAccountNumber>75da533315</unifiedAccountNumber><serviceId>75da533315-01</serviceId><accountGuid>\(Self.guid(1))</accountGuid></account>
              <meter><principalInn>7451000006</principalInn><serial>CW0100000001</serial><rootGuid>\(Self.guid(2))</rootGuid></meter>
              <principal><inn>7451000006</inn><orgPpaGuid>\(Self.guid(3))</orgPpaGuid></principal>
              <service><principalInn>7451000006</principalInn><code>CW</code><registry>3</registry><nsiCode>1</nsiCode><nsiGuid>\(Self.guid(4))</nsiGuid></service>
              <paymentInformation><bic>047501602</bic><account>40702810672000000001</account><guid>\(Self.guid(5))</guid></paymentInformation>
              <document><account>0100000001</account><period>2026-10</period><documentId>75da533315-01-6101</documentId></document>
            """, rows: 6
        ).write(toFile: good, atomically: true, encoding: .utf8)
        let imported = try erc(["gis", "import-ids", "--db", db, good], in: folder)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try counts() == [1, 1, 1, 1, 1, 1])
        let again = try erc(["gis", "import-ids", "--db", db, good], in: folder)
        #expect(again.status == 0 && again.stdout.contains("already imported"))
        #expect(try counts() == [1, 1, 1, 1, 1, 1])
        // The same identifiers again under another file id: stored once, nothing doubled.
        let resent = folder.file("resent.xml")
        try String(contentsOfFile: good, encoding: .utf8).replacingOccurrences(of: "GIS-1", with: "GIS-1-AGAIN")
            .write(toFile: resent, atomically: true, encoding: .utf8)
        let twice = try erc(["gis", "import-ids", "--db", db, resent], in: folder)
        #expect(twice.status == 0, "\(twice.stderr)")
        #expect(try counts() == [1, 1, 1, 1, 1, 1])
        // A path mistyped: named, nothing stored.
        let typo = try erc(["gis", "import-ids", "--db", db, folder.file("idz.xml")], in: folder)
        #expect(typo.status != 0 && typo.stderr.contains("idz.xml"), "\(typo.stderr)")
        // Another account may not take the ЕЛС.
        let taken = folder.file("taken.xml")
        try Self.file(
            "GIS-2",
            """
              <account><number>0100000002</number><unifiedAccountNumber>75da533315</unifiedAccountNumber><serviceId>75da533315-02</serviceId><accountGuid>\(Self.guid(6))</accountGuid></account>
            """, rows: 1
        ).write(toFile: taken, atomically: true, encoding: .utf8)
        let clash = try erc(["gis", "import-ids", "--db", db, taken], in: folder)
        #expect(clash.status == 65 && clash.stderr.contains("another account has this ЕЛС"), "\(clash.stderr)")
        // Nor another principal the first account's GUID, in upper case, nor another account the
        // ИПД in upper case.
        let guid = folder.file("guid.xml")
        try Self.file(
            "GIS-3",
            """
              <principal><inn>7451000373</inn><orgPpaGuid>\(Self.guid(1).uppercased())</orgPpaGuid></principal>
              <document><account>0100000002</account><period>2026-10</period><documentId>75DA533315-01-6101</documentId></document>
            """, rows: 2
        ).write(toFile: guid, atomically: true, encoding: .utf8)
        let reused = try erc(["gis", "import-ids", "--db", db, guid], in: folder)
        #expect(reused.status == 65, "\(reused.stderr)")
        #expect(reused.stderr.contains("guid.xml:4: orgPpaGuid: an account has this GUID already"), "\(reused.stderr)")
        #expect(reused.stderr.contains("guid.xml:5: documentId: another document has this ИПД"), "\(reused.stderr)")
        #expect(try counts() == [1, 1, 1, 1, 1, 1])

        let after = try erc(
            [
                "receipts", "show", "--db", db, "--account", "0100000001", "--period", "2026-10", "--out",
                folder.file("after.pdf"),
            ], in: folder)
        #expect(after.status == 0, "\(after.stderr)")
        let text = try ProcessRunner.run("pdftotext", [folder.file("after.pdf"), "-"]).stdout
            .replacingOccurrences(of: "\n", with: " ")
        #expect(text.contains("ЕЛС 75da533315 · ИПД 75da533315-01-6101"), "\(text.prefix(300))")
        // Both imports are in the audit trail.
        #expect(try connection.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'erc gis import-ids'") == 2)
    }
}
