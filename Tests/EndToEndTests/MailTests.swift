import Core
import ERCTestSupport
import Foundation
import Storage
import Testing

/// The ЕПД by e-mail against a real SMTP server on a loopback port: what it receives, a server
/// that answers 451 then 250, one that answers 550, and kills between messages and inside one.
@Suite("The ЕПД by e-mail", .serialized)
struct MailTests {
    /// A billed demo month (1,000 premises, some of whose customers chose e-mail).
    func billedRegion(_ name: String) throws -> (TemporaryDirectory, ERCRunner, TestDB) {
        let folder = try TemporaryDirectory(name)
        let erc = ERCRunner(folder: folder)
        let db = try Region.database(.sqlite, in: folder)
        try erc(["principals", "import", "--db", db.argument, try Region.files.get().capitalRepairTariffs])
        #expect(try erc(["bill", "--db", db.argument, "--period", Region.period]).status == 0)
        return (folder, erc, db)
    }

    /// The customers who chose e-mail or both, with their addresses.
    func mailed(_ db: TestDB) throws -> [String: String] {
        var found: [String: String] = [:]
        for row in try db.connect().all(
            "SELECT account_number, email FROM delivery_consents WHERE delivery IN ('email', 'both')")
        {
            found[try row.string(0)] = try row.string(1)
        }
        return found
    }

    static func header(_ name: String, in message: String) -> String? {
        message.components(separatedBy: "\r\n").first { $0.hasPrefix(name + ": ") }.map {
            String($0.dropFirst(name.count + 2))
        }
    }

    /// The PDF attached to `message`, decoded.
    static func attachment(_ message: String) -> Data? {
        guard let start = message.range(of: "Content-Type: application/pdf") else { return nil }
        let rest = message[start.upperBound...]
        guard let body = rest.range(of: "\r\n\r\n") else { return nil }
        let base64 = rest[body.upperBound...].prefix { $0 != "-" }.filter { !$0.isWhitespace }
        return Data(base64Encoded: String(base64))
    }

    @Test(
        "each e-mail customer gets their ЕПД once: headers, text and the attached PDF's text; run again, nothing more")
    func sendsEachCustomerTheirEPD() throws {
        let (folder, erc, db) = try billedRegion("erc-mail")
        let customers = try mailed(db)
        #expect(customers.count > 50, "the demo region's e-mail customers: \(customers.count)")
        let server = try SMTPTestServer(folder: folder.file("smtp"))
        let sent = try erc(["receipts", "send", "--db", db.argument, "--period", Region.period, "--smtp", server.url])
        #expect(sent.status == 0, "\(sent.stdout) \(sent.stderr)")
        #expect(sent.stdout.contains("Sent \(customers.count) ЕПД"), "\(sent.stdout)")
        let messages = try server.messages()
        #expect(messages.count == customers.count)
        let ids = messages.compactMap { Self.header("Message-ID", in: $0) }
        #expect(Set(ids).count == customers.count, "a Message-ID twice")
        let first = try #require(messages.first)
        let to = try #require(Self.header("X-Envelope-To", in: first))
        let account = try #require(customers.first { $0.value == to }?.key)
        #expect(Self.header("Subject", in: first)?.hasPrefix("=?UTF-8?B?") == true)
        #expect(Self.header("Message-ID", in: first) == "<epd.2026-10.\(account)@erc-demo.example>")
        #expect(Self.header("From", in: first)?.hasSuffix("<info@erc-demo.example>") == true)
        let pdf = try #require(Self.attachment(first))
        let path = folder.file("attached.pdf")
        try pdf.write(to: URL(fileURLWithPath: path))
        let text = try ProcessRunner.run("pdftotext", [path, "-"]).stdout
        #expect(text.contains("Лицевой счёт: \(account)"), "\(text.prefix(300))")
        // Run again: nothing more is sent.
        let again = try erc(["receipts", "send", "--db", db.argument, "--period", Region.period, "--smtp", server.url])
        #expect(again.status == 0 && again.stdout.contains("Sent 0 ЕПД"), "\(again.stdout)")
        #expect(try server.messages().count == customers.count)
    }

    @Test(
        "a server that answers 451 then 250 gets each message on the next try; 550 marks it failed and --report lists it"
    )
    func temporaryAndPermanentFailures() throws {
        let (folder, erc, db) = try billedRegion("erc-mail-fail")
        let customers = try mailed(db)
        let refused = try #require(customers.values.sorted().first)
        let server = try SMTPTestServer(
            folder: folder.file("smtp"), options: ["--tempfail-once", "--reject", refused])
        let sent = try erc(["receipts", "send", "--db", db.argument, "--period", Region.period, "--smtp", server.url])
        #expect(sent.status == 0, "\(sent.stdout) \(sent.stderr)")
        #expect(try server.messages().count == customers.count - 1)
        #expect(
            try db.scalar("SELECT COUNT(*) FROM mail_log WHERE state = 'sent' AND attempts = 2") == customers.count - 1)
        let report = try erc(["receipts", "send", "--db", db.argument, "--period", Region.period, "--report"])
        #expect(report.stdout.contains("1 failed") && report.stdout.contains(refused), "\(report.stdout)")
        #expect(report.stdout.contains("550"))
        // The customer gives a new address: the failed message goes there on the next run.
        let account = try #require(customers.first { $0.value == refused }?.key)
        let fixed = "fixed-\(account)@mail.example"
        #expect(
            try erc([
                "premises", "delivery", account, "--db", db.argument, "--delivery", "email", "--email", fixed,
            ]).status == 0)
        let resent = try erc(["receipts", "send", "--db", db.argument, "--period", Region.period, "--smtp", server.url])
        #expect(resent.status == 0 && resent.stdout.contains("Sent 1 ЕПД"), "\(resent.stdout) \(resent.stderr)")
        #expect(try server.messages().contains { Self.header("X-Envelope-To", in: $0) == fixed })
        // A period not billed, or a server named wrong, sends nothing.
        let unbilled = try erc(["receipts", "send", "--db", db.argument, "--period", "2026-11", "--smtp", server.url])
        #expect(unbilled.status == 65, "\(unbilled.stderr)")
        let badURL = try erc([
            "receipts", "send", "--db", db.argument, "--period", Region.period, "--smtp", "smtp://127.0.0.1:99999",
        ])
        #expect(badURL.status == 64 && badURL.stderr.contains("--smtp"), "\(badURL.stderr)")
        // No server at all: temporary, left for the next run (exit 75).
        let (_, erc2, db2) = try billedRegion("erc-mail-none")
        let none = try erc2([
            "receipts", "send", "--db", db2.argument, "--period", Region.period, "--smtp", "smtp://127.0.0.1:9",
            "--attempts", "1",
        ])
        #expect(none.status == 75, "\(none.stdout) \(none.stderr)")
        #expect(try db2.scalar("SELECT COUNT(*) FROM mail_log WHERE state = 'temporary'") == customers.count)
    }

    @Test(
        "killed inside a message: in doubt, listed, not sent again unless asked; killed between messages: the rest sent once"
    )
    func killsAreResumedWithoutDoubling() throws {
        let (folder, erc, db) = try billedRegion("erc-mail-kill")
        let customers = try mailed(db)
        let slow = try #require(customers.values.sorted().dropFirst(5).first)
        let server = try SMTPTestServer(
            folder: folder.file("smtp"), options: ["--slow", "\(slow):30", "--delay", "0.05"])
        let arguments = ["receipts", "send", "--db", db.argument, "--period", Region.period, "--smtp", server.url]
        // Killed while the server takes its time over one message.
        let first = try erc.start(arguments)
        let marker = folder.file("smtp/receiving-\(slow)")
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: marker), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(FileManager.default.fileExists(atPath: marker), "the slow message never reached the server")
        // A second run beside it is refused, sending nothing.
        let beside = try erc(arguments)
        #expect(beside.status == 75 && beside.stderr.contains("Another erc is sending"), "\(beside.stderr)")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(try db.scalar("SELECT COUNT(*) FROM mail_log WHERE state = 'sending'") == 1)
        let before = try server.messages().count
        // Run again (the server stores the slow one when its wait ends): the rest once each, the
        // one in doubt listed and not sent.
        let second = try erc(arguments)
        #expect(second.status == 0, "\(second.stdout) \(second.stderr)")
        #expect(second.stderr.contains("in doubt"), "\(second.stderr)")
        let inDoubt = try db.connect().all("SELECT address, message_id FROM mail_log WHERE state = 'in-doubt'")
        let doubtful = try inDoubt.map { try $0.string(0) }
        #expect(doubtful == [slow])
        let report = try erc(arguments.dropLast(2) + ["--report"])
        #expect(report.stdout.contains("in-doubt") && report.stdout.contains(slow), "\(report.stdout)")
        let delivered = try server.messages().filter { Self.header("X-Envelope-To", in: $0) != slow }
        #expect(delivered.count == customers.count - 1, "before the second run \(before), now \(delivered.count)")
        #expect(Set(delivered.compactMap { Self.header("Message-ID", in: $0) }).count == delivered.count)
        // Asked to, it sends the one in doubt again, with its Message-ID.
        let resent = try erc(arguments + ["--resend-in-doubt"])
        #expect(resent.status == 0 && resent.stdout.contains("Sent 1 ЕПД"), "\(resent.stdout)")
        let id = try #require(inDoubt.first).string(1)
        let copies = try server.messages().filter { Self.header("Message-ID", in: $0) == id }
        #expect(copies.count >= 1 && copies.count <= 2, "\(copies.count) copies of the message in doubt")

        // Killed between messages of another period's run: every message once.
        let (folder3, erc3, db3) = try billedRegion("erc-mail-between")
        let server3 = try SMTPTestServer(folder: folder3.file("smtp"), options: ["--delay", "0.1"])
        let run3 = ["receipts", "send", "--db", db3.argument, "--period", Region.period, "--smtp", server3.url]
        let killed = try erc3.start(run3)
        while try server3.messages().count < 5, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        let resumed = try erc3(run3 + ["--resend-in-doubt"])
        #expect(resumed.status == 0, "\(resumed.stdout) \(resumed.stderr)")
        let all = try server3.messages().compactMap { Self.header("Message-ID", in: $0) }
        // At most the one caught by the kill twice (it was in doubt and resent), every other once.
        #expect(Set(all).count == customers.count, "\(Set(all).count) of \(customers.count) messages")
        #expect(all.count - Set(all).count <= 1, "\(all.count - Set(all).count) messages sent twice")
        #expect(try db3.scalar("SELECT COUNT(*) FROM mail_log WHERE state = 'sent'") == customers.count)
    }
}
