import Core
import ERCTestSupport
import Foundation
import Storage
import Testing

/// An accountant's corrections of payments through the built `erc`, on both drivers: a payment
/// in suspense assigned, a payment reversed (also after its period was closed and paid out), an
/// overpayment refunded with its payment order; each idempotent, refused when it cannot apply,
/// and the books balanced after each.
@Suite("Payment corrections", .serialized)
struct PaymentCorrectionsTests {
    /// A classic registry line (DOMAIN.md 5.2) paid on 20.10.2026.
    static func line(_ operation: String, _ account: String, _ paid: String) -> String {
        [
            "20-10-2026", "10-15-32", "8597", "0100", "12", operation, account, "Иванов Иван Иванович",
            "г. Челябинск, ул. Кирова, д. 10, кв. 15", "1026", paid, paid, "0.00",
        ].joined(separator: ";")
    }

    func checkIsGreen(_ erc: ERCRunner, _ db: TestDB, _ period: String, _ step: String) throws {
        #expect(try erc(["bill", "--db", db.argument, "--period", period]).status == 0, "\(step): bill")
        let check = try erc(["reconcile", "check", "--db", db.argument, "--period", period])
        #expect(check.status == 0, "\(step): \(check.stdout) \(check.stderr)")
    }

    @Test(
        "assign, reverse, refund: each idempotent, refused when it cannot apply, the books balanced",
        arguments: Driver.enabled)
    func corrections(_ driver: Driver) throws {
        let folder = try TemporaryDirectory("erc-corrections")
        let erc = ERCRunner(folder: folder)
        let db = try Region.database(driver, in: folder)
        try erc(["principals", "import", "--db", db.argument, try Region.files.get().capitalRepairTariffs])
        let accounts = try db.connect().all("SELECT number FROM accounts ORDER BY number LIMIT 3").map {
            try $0.string(0)
        }
        let registry = folder.file("sber-77.txt")
        let text =
            [
                Self.line("op-1", accounts[0], "1500.00"), Self.line("op-2", "7499999999", "300000.00"),
                Self.line("op-3", accounts[1], "200000.00"), "=3;501500.00;501500.00;0.00;77;21-10-2026",
            ].joined(separator: "\r\n") + "\r\n"
        try Data(CP1251.encode(text) ?? []).write(to: URL(fileURLWithPath: registry))
        let imported = try erc(["payments", "import", "--db", db.argument, "--bank", "sber", registry])
        #expect(imported.status == 0, "\(imported.stderr)")
        try checkIsGreen(erc, db, "2026-10", "imported")

        // Suspense: the payment meant for the third account.
        #expect(try erc(["payments", "suspense", "--db", db.argument]).stdout.contains("op-2"))
        let assign = ["payments", "assign", "--db", db.argument, "--bank", "sber", "--operation", "op-2"]
        let assigned = try erc(assign + ["--account", accounts[2], "--reason", "письмо плательщика от 22.10.2026"])
        #expect(assigned.status == 0, "\(assigned.stderr)")
        #expect(assigned.stdout.contains("300 000,00 руб. in 2026-10"), "\(assigned.stdout)")
        let postings = try db.scalar("SELECT COUNT(*) FROM postings")
        // Dated as paid (penalties follow that day), in the registry it came by.
        #expect(
            try db.scalar(
                """
                SELECT COUNT(*) FROM payments y JOIN postings p ON p.payment_id = y.id
                WHERE y.operation_id = 'op-2' AND y.account_number = ? AND p.counts_from = '2026-10-20'
                  AND y.registry_id IS NOT NULL
                """, [accounts[2]]) > 0)
        let again = try erc(assign + ["--account", accounts[2], "--reason", "повтор"])
        #expect(again.status == 0 && again.stdout.contains("nothing changed"))
        #expect(try db.scalar("SELECT COUNT(*) FROM postings") == postings)
        let elsewhere = try erc(assign + ["--account", accounts[0], "--reason", "ошибка"])
        #expect(
            elsewhere.status == 65 && elsewhere.stderr.contains("reverse that payment first"), "\(elsewhere.stderr)")
        #expect(try erc(["payments", "suspense", "--db", db.argument]).stdout.contains("No payment is in suspense"))
        #expect(try erc(["payments", "suspense", "--db", db.argument, "--all"]).stdout.contains("payment "))
        try checkIsGreen(erc, db, "2026-10", "assigned")
        let bank = try erc(["reconcile", "bank", "--db", db.argument, "--period", "2026-10"])
        #expect(bank.status == 0, "\(bank.stdout) \(bank.stderr)")

        // Reversal: the bank recalls op-1.
        let reverse = ["payments", "reverse", "--db", db.argument, "--bank", "sber"]
        let reversed = try erc(reverse + ["--operation", "op-1", "--reason", "отзыв банка"])
        #expect(reversed.status == 0 && reversed.stdout.contains("1 500,00"), "\(reversed.stdout) \(reversed.stderr)")
        #expect(
            try db.scalar(
                """
                SELECT SUM(p.amount) FROM postings p JOIN payments y ON y.id = p.payment_id
                WHERE y.id = (SELECT id FROM payments WHERE operation_id = 'op-1')
                   OR y.corrects = (SELECT id FROM payments WHERE operation_id = 'op-1')
                """) == 0)
        let count = try db.scalar("SELECT COUNT(*) FROM postings")
        #expect(try erc(reverse + ["--operation", "op-1", "--reason", "повтор"]).stdout.contains("nothing changed"))
        #expect(try db.scalar("SELECT COUNT(*) FROM postings") == count)
        let unknown = try erc(reverse + ["--operation", "op-9", "--reason", "нет такой"])
        #expect(unknown.status == 65 && unknown.stderr.contains("no payment of sber with operation op-9"))
        let usage = try erc(reverse + ["--operation", "op-3", "--reason", " "])
        #expect(usage.status == 64 && usage.stderr.contains("--reason"))
        try checkIsGreen(erc, db, "2026-10", "reversed")
        // The registry's reconciliation shows both: 300 000,00 of its suspense assigned, 1 500,00 of
        // what it recorded reversed.
        let registryNow = try erc(["reconcile", "bank", "--db", db.argument, "--period", "2026-10", "--format", "json"])
        #expect(registryNow.status == 0, "\(registryNow.stderr)")
        let registries = try #require(
            try JSONSerialization.jsonObject(with: Data(registryNow.stdout.utf8)) as? [[String: Any]])
        func kopecks(_ field: String) -> Int? { (registries.first?[field] as? [String: Any])?["kopecks"] as? Int }
        #expect(kopecks("assigned") == 30_000_000 && kopecks("reversed") == 150_000, "\(registryNow.stdout)")

        // October closed and paid out; then op-3 is recalled: November takes it back from its
        // principals, who owe it back.
        #expect(try erc(["period", "close", "--db", db.argument, "--period", "2026-10"]).status == 0)
        let late = try erc(reverse + ["--operation", "op-3", "--reason", "отзыв банка после выплаты"])
        #expect(late.status == 0 && late.stdout.contains("in 2026-11"), "\(late.stdout) \(late.stderr)")
        try checkIsGreen(erc, db, "2026-11", "reversed after the payout")
        let payouts = try erc(["reconcile", "payouts", "--db", db.argument, "--period", "2026-11"])
        #expect(payouts.status == 0, "\(payouts.stderr)")
        #expect(payouts.stdout.contains("owes back"), "\(payouts.stdout)")
        #expect(payouts.stdout.contains("Reversed"))

        // Refund: the payer of op-2 overpaid; part of one principal's advance goes back.
        let advance = try #require(
            try db.connect().first(
                """
                SELECT pr.inn, p.service_code, -SUM(p.amount) FROM postings p JOIN principals pr ON pr.id = p.principal_id
                WHERE p.account_number = ? AND p.kind = 'payment' AND p.note = 'advance'
                GROUP BY pr.inn, p.service_code ORDER BY 3 DESC
                """, [accounts[2]]))
        let (inn, service, available) = (try advance.string(0), try advance.string(1), try advance.money(2))
        let order = folder.file("orders/refund.txt")
        let toAccount = try #require(BankAccount.withKey("40817810072000000123", bic: try BIC("047501602"))).value
        let refund = [
            "payments", "refund", "--db", db.argument, "--account", accounts[2], "--principal", inn, "--service",
            service, "--to-account", toAccount, "--bic", "047501602", "--payee", "Петров Пётр Петрович", "--reason",
            "заявление от 25.11.2026", "--on", "2026-11-25", "--out", order,
        ]
        let part = Money(kopecks: min(available.kopecks, 10_000))
        let refunded = try erc(refund + ["--amount", part.decimalString])
        #expect(refunded.status == 0, "\(refunded.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: order))
        let file = try #require(CP1251.decode(Array(bytes)))
        for expected in [
            "1CClientBankExchange", "СекцияДокумент=Платежное поручение", "Сумма=\(part.decimalString)",
            "ПлательщикИНН=7453000019", "ПлательщикСчет=40702810672000000001", "ПолучательСчет=\(toAccount)",
            "ПолучательБИК=047501602", "Получатель=Петров Пётр Петрович", "КонецФайла",
        ] {
            #expect(file.contains(expected + "\r\n"), "\(expected): \(file)")
        }
        // erc's own reader of bank files takes it.
        #expect(try erc(["payments", "statement", "--db", db.argument, "--bank", "sber", order]).status == 0)
        let sameAgain = try erc(refund + ["--amount", part.decimalString])
        #expect(sameAgain.status == 0 && sameAgain.stdout.contains("nothing changed"), "\(sameAgain.stdout)")
        #expect(try db.scalar("SELECT COUNT(*) FROM payments WHERE kind = 'refund'") == 1)
        let tooMuch = try erc(refund + ["--amount", "999999.00", "--request-id", "R-2"])
        #expect(tooMuch.status == 65 && tooMuch.stderr.contains("cannot be refunded"), "\(tooMuch.stderr)")
        let badBIC = try erc(refund.map { $0 == "047501602" ? "047501603" : $0 } + ["--amount", "1.00"])
        #expect(badBIC.status == 64 && badBIC.stderr.contains("--to-account"), "\(badBIC.stderr)")
        try checkIsGreen(erc, db, "2026-11", "refunded")
        let after = try erc(["reconcile", "payouts", "--db", db.argument, "--period", "2026-11"])
        #expect(after.stdout.contains(part.formatted()), "\(after.stdout)")
        // What a bank's file of Key=Value lines cannot take, a folder or a device as the order's
        // file, a bank that is not named: refused before anything is stored.
        let refunds = try db.scalar("SELECT COUNT(*) FROM payments WHERE kind = 'refund'")
        let injected = try erc(
            refund.map { $0 == "Петров Пётр Петрович" ? "Петров\nСумма=99999.00" : $0 } + ["--amount", "1.00"])
        #expect(
            injected.status == 64 && injected.stderr.contains("--payee: has a control character"), "\(injected.stderr)")
        let toFolder = try erc(
            refund.map { $0 == order ? folder.path : $0 } + ["--amount", "1.00", "--request-id", "R-3"])
        #expect(toFolder.status == 73, "\(toFolder.stderr)")
        let moscow = try #require(BankAccount.withKey("40817810000000000001", bic: try BIC("044525225"))).value
        let otherBank = try erc(
            refund.map { $0 == "047501602" ? "044525225" : ($0 == toAccount ? moscow : $0) } + [
                "--amount", "1.00", "--request-id", "R-4",
            ])
        #expect(otherBank.status == 64 && otherBank.stderr.contains("--bank-name"), "\(otherBank.stderr)")
        #expect(try db.scalar("SELECT COUNT(*) FROM payments WHERE kind = 'refund'") == refunds)

        // The assigned payment reversed: the entry is back in suspense, and assigned to the right
        // account as a payment of its own, which can be reversed in turn.
        #expect(try erc(reverse + ["--operation", "op-2", "--reason", "не тот ЛС"]).status == 0)
        #expect(try erc(["payments", "suspense", "--db", db.argument]).stdout.contains("op-2"))
        let reassigned = try erc(assign + ["--account", accounts[0], "--reason", "верный ЛС"])
        #expect(
            reassigned.status == 0 && reassigned.stdout.contains("recorded for \(accounts[0])"), "\(reassigned.stderr)")
        #expect(try erc(reverse + ["--operation", "op-2", "--reason", "и этот не тот"]).stdout.contains("reversed in"))
        #expect(try db.scalar("SELECT COUNT(*) FROM payments WHERE kind = 'reversal'") == 4)
        try checkIsGreen(erc, db, "2026-11", "assigned again")
    }
}
