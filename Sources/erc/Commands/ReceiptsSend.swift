import ArgumentParser
import Billing
import CommandLineSupport
import Core
import Foundation
import Gateways
import Principals
import Receipts
import Storage

extension ReceiptsCommand {
    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "E-mail each customer who chose it their ЕПД of a period, resumably.",
            discussion: """
                Every statement of the period whose customer's consent in force is e-mail or both \
                is queued once in the send log, then sent as the single-copy PDF (ST00012 codes) \
                with a short text (the total and the due date) from the center's name and e-mail \
                (erc center). SMTP through libcurl: --smtp smtp://host:port (STARTTLS when the \
                server offers it; --require-tls refuses a server that does not) or smtps://; the \
                user with --user, the password only from ERC_SMTP_PASSWORD. Each message is \
                marked sending before its data goes out: after a kill, a message caught sending \
                is in doubt, listed by --report and sent again only with --resend-in-doubt (the \
                same Message-ID); a run killed between messages and run again sends each \
                remaining one once. A 4xx reply (or no server) is tried again with backoff, up \
                to --attempts in a run, then left for the next run (exit 75); a 5xx reply (a bad \
                address) is marked failed and listed by --report.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Billing period, YYYY-MM.") var period: BillingPeriod
        @Option(help: "The SMTP server, smtp://host:port or smtps://host:port (default: $ERC_SMTP_URL).")
        var smtp: String?
        @Option(help: "The SMTP user (the password from $ERC_SMTP_PASSWORD).") var user: String?
        @Flag(help: "Refuse a server that does not offer STARTTLS.") var requireTLS = false
        @Option(help: "Tries of a message in one run (1-10).") var attempts = 3
        @Flag(help: "Send the messages in doubt again (caught sending by a kill), with their Message-ID.")
        var resendInDoubt = false
        @Flag(help: "Send nothing: list the period's messages in doubt, failed and to be tried again.")
        var report = false

        func validate() throws {
            guard (1...10).contains(attempts) else { throw ValidationError("--attempts must be 1 to 10") }
            if !report {
                let url = smtp ?? ProcessInfo.processInfo.environment["ERC_SMTP_URL"] ?? ""
                guard let parts = URLComponents(string: url), ["smtp", "smtps"].contains(parts.scheme ?? ""),
                    let host = parts.host, !host.isEmpty, (1...65_535).contains(parts.port ?? 25),
                    parts.path.isEmpty || parts.path == "/"
                else {
                    throw ValidationError("--smtp \(url): name the server, smtp://host:port or smtps://host:port")
                }
            }
        }

        /// Now, UTC, as the log keeps instants.
        static func instant(_ date: Date = Date()) -> String { Audit.stamp(date) }

        func run() throws {
            let db = try database.open()
            if report { return try printReport(db) }
            // One sending run a database at a time: a second one refuses (exit 75).
            guard
                let lock = try RunLock.acquire(
                    "mail", at: db.location, holder: Holder.current("erc receipts send --period \(period)"))
            else {
                let holder = try RunLock.holder(of: "mail", at: db.location)
                Terminal.error(
                    "Another erc is sending ЕПД now\(holder.map { " (\($0))" } ?? ""): try again when it is done.")
                throw ExitCode(75)
            }
            defer { lock.release() }
            // Only a billed, complete and current period is sent, as only such a one is printed.
            let problems = try db.withConnection { try BillingRuns(connection: $0).finalProblems(period) }
            if !problems.isEmpty {
                throw BillingError(
                    code: .incomplete,
                    message: "the ЕПД of \(period) are not sent: " + problems.joined(separator: "; "),
                    problems: problems)
            }
            let center = try db.withConnection { try CenterBook(connection: $0).required(on: period.next.firstDay) }
            guard DeliveryConsent.problem(withAddress: center.email) == nil else {
                throw ValidationError(
                    "the center's e-mail (erc center set --email) is no sender address: \(center.email)")
            }
            let domain = String(center.email.split(separator: "@").last ?? "erc")
            let (queued, inDoubt) = try db.withConnection { connection in
                try connection.withTransaction {
                    let log = MailLog(connection: connection)
                    let doubt = try log.markInDoubt(period: period, at: Self.instant())
                    return (
                        try log.queue(
                            period: period, domain: domain, at: Self.instant(), consents: DeliveryBook.inForce),
                        doubt
                    )
                }
            }
            if inDoubt > 0 {
                Terminal.error(
                    "\(inDoubt) messages were caught sending by an earlier run: in doubt, not sent again "
                        + "(erc receipts send --report lists them; --resend-in-doubt sends them)")
            }
            let gateway = SMTPGateway(
                url: smtp ?? ProcessInfo.processInfo.environment["ERC_SMTP_URL"] ?? "", username: user,
                password: ProcessInfo.processInfo.environment["ERC_SMTP_PASSWORD"], requireTLS: requireTLS)
            let composer = MailComposer(fromName: center.name, fromAddress: center.email)
            var sent = 0
            var resend = resendInDoubt
            for round in 0..<attempts {
                if round > 0 { Thread.sleep(forTimeInterval: Double(1 << (round - 1))) }
                let due = try db.withConnection {
                    try MailLog(connection: $0).due(period: period, now: Self.instant(), resendInDoubt: resend)
                }
                resend = false
                if due.isEmpty { break }
                let progress = Progress(
                    "sending ЕПД \(period)\(round > 0 ? " (try \(round + 1))" : "")", total: due.count)
                for (index, entry) in due.enumerated() {
                    if try send(entry, db: db, gateway: gateway, composer: composer, center: center, round: round) {
                        sent += 1
                    }
                    progress.update(index + 1)
                }
                progress.finish()
            }
            let counts = try db.withConnection { try MailLog(connection: $0).counts(period: period) }
            try Audit.record(
                database, "erc receipts send", "mail", id: "\(period)",
                after: "\(sent) sent now, \(queued) queued now; "
                    + MailLog.State.allCases.compactMap { state in counts[state].map { "\(state.rawValue) \($0)" } }
                    .joined(separator: ", "))
            print(
                "Sent \(sent) ЕПД of \(period) now (\(queued) queued now); the log: "
                    + MailLog.State.allCases.compactMap { state in counts[state].map { "\($0) \(state.rawValue)" } }
                    .joined(separator: ", ") + ".")
            if (counts[.failed] ?? 0) + (counts[.inDoubt] ?? 0) > 0 {
                print("erc receipts send --period \(period) --report lists the failed and the ones in doubt.")
            }
            if (counts[.temporary] ?? 0) > 0 {
                Terminal.error("\(counts[.temporary] ?? 0) messages to try again: run erc receipts send again later.")
                throw ExitCode(75)
            }
        }

        /// One message: marked sending (committed) before it goes out, then what the server said.
        private func send(
            _ entry: MailLog.Entry, db: Database, gateway: SMTPGateway, composer: MailComposer, center: Center,
            round: Int
        ) throws -> Bool {
            let account = try PersonalAccountNumber(entry.account)
            let document = try db.withConnection { connection -> (pdf: [UInt8], total: Money, due: CalendarDate)? in
                try MailLog(connection: connection).markSending(
                    period: period, account: entry.account, at: Self.instant())
                var found: (pdf: [UInt8], total: Money, due: CalendarDate)?
                try EPDLoader(connection: connection).forEachDocument(period: period, .account(account)) { epd in
                    found = (try EPDRenderer(charset: .utf8).pdf(epd), epd.total, epd.dueDate)
                }
                return found
            }
            guard let document else {
                try db.withConnection {
                    try MailLog(connection: $0).mark(
                        period: period, account: entry.account, .failed, reply: "no statement", at: Self.instant())
                }
                return false
            }
            let text = """
                Здравствуйте!

                Во вложении единый платёжный документ за \(period.russianName) по лицевому счёту \(entry.account).
                Сумма к оплате: \(document.total.formatted()) руб. Оплатить до \(document.due.russian).

                \(center.name)
                \(center.phone), \(center.website)
                """
            let message = composer.compose(
                to: entry.address, subject: "ЕПД за \(period.russianName), лицевой счёт \(entry.account)", text: text,
                attachment: document.pdf, attachmentName: "EPD-\(entry.account)-\(period).pdf",
                messageId: entry.messageId, date: Date())
            let reply = gateway.send(message)
            if reply.outcome == .unusable {
                // Nothing went out: the message waits for a server that can take it.
                try db.withConnection {
                    try MailLog(connection: $0).mark(
                        period: period, account: entry.account, .queued, reply: reply.text, at: Self.instant())
                }
                throw ValidationError("--smtp \(gateway.url): \(reply.text); nothing more is sent")
            }
            let state: MailLog.State =
                switch reply.outcome {
                case .sent: .sent
                case .temporary, .unusable: .temporary
                case .permanent: .failed
                }
            // A temporary failure is tried again after 1, 2, 4... seconds in this run.
            let next = state == .temporary ? Self.instant(Date().addingTimeInterval(Double(1 << round))) : nil
            try db.withConnection {
                try MailLog(connection: $0).mark(
                    period: period, account: entry.account, state, reply: reply.text, nextTry: next, at: Self.instant())
            }
            return state == .sent
        }

        private func printReport(_ db: Database) throws {
            let (entries, counts) = try db.withConnection { connection in
                let log = MailLog(connection: connection)
                return (
                    try log.entries(period: period, states: [.inDoubt, .failed, .temporary, .sending]),
                    try log.counts(period: period)
                )
            }
            print(
                "ЕПД of \(period) by e-mail: "
                    + (counts.isEmpty
                        ? "none queued yet."
                        : MailLog.State.allCases.compactMap { state in counts[state].map { "\($0) \(state.rawValue)" } }
                            .joined(separator: ", ") + "."))
            guard !entries.isEmpty else { return }
            let table = Table(
                headers: ["Account", "Address", "State", "Tries", "Reply", "Message-ID"],
                rows: entries.map {
                    [$0.account, $0.address, $0.state.rawValue, String($0.attempts), $0.reply ?? "", $0.messageId]
                })
            print(table.text())
        }
    }
}
