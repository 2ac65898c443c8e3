import Core
import Storage

/// An accounts registry: the houses and premises (with personal accounts) a principal serves,
/// and the balances they carry into the header's period (postings of kind `opening`). A house
/// or account that another principal registered first must match it.
final class AccountsFileHandler: RecordHandler {
    let session: ImportSession
    var houses: Set<String> = []
    var accounts: Set<String> = []
    var balances: Set<String> = []
    var services: Set<String> = []
    var counts = (houses: 0, accounts: 0, balances: 0)
    var balanceTotal = Money.zero
    var pendingBalances: [[SQLValue]] = []

    init(session: ImportSession) {
        self.session = session
    }

    var connection: any Connection { session.connection }

    func header(_ record: XMLRecord) -> Bool {
        guard session.begin(header: record), let principalId = session.principalId else { return false }
        _ = principalId
        session.store { services = try session.serviceCodes() }
        session.recordImport(period: session.summary.period)
        return true
    }

    func record(_ record: XMLRecord) {
        switch record.name {
        case "house": house(record)
        case "account": account(record)
        case "balance": balance(record)
        case "footer": footer(record)
        default: break
        }
    }

    private func house(_ record: XMLRecord) {
        counts.houses += 1
        let f = record.fields
        guard let code = f["code"], let postal = f["postalCode"], let city = f["city"], let street = f["street"],
            let number = f["number"]
        else { return }
        guard houses.insert(code).inserted else {
            session.problem(record, "code", "duplicate house code in the file")
            return
        }
        session.store {
            if let existing = try connection.first(
                "SELECT postal_code, city, street, number FROM houses WHERE code = ?", [code])
            {
                let same = try [existing.string(0), existing.string(1), existing.string(2), existing.string(3)]
                    == [postal, city, street, number]
                if !same {
                    session.problem(record, "house", "this house code is registered with a different address")
                }
            } else {
                try connection.execute(
                    "INSERT INTO houses (code, postal_code, city, street, number) VALUES (?, ?, ?, ?, ?)",
                    [code, postal, city, street, number])
            }
        }
    }

    private func account(_ record: XMLRecord) {
        counts.accounts += 1
        session.summary.rows += 1
        let f = record.fields
        guard let number = f["number"], let house = f["house"], let entrance = f["entrance"].flatMap({ Int($0) }),
            let apartment = f["apartment"], let area = f["area"].flatMap({ parseScaled($0, scale: 2) }),
            let residents = f["residents"].flatMap({ Int($0) }), let owner = f["owner"]
        else { return }
        let principalAccount = f["principalAccount"]
        if (try? PersonalAccountNumber(number)) == nil {
            session.problem(record, "number", "not a personal account number: 10 digits, district code not 00")
            return
        }
        guard accounts.insert(number).inserted else {
            session.problem(record, "number", "duplicate account in the file")
            return
        }
        guard let principalId = session.principalId else { return }
        session.store {
            if !houses.contains(house),
                try connection.scalar("SELECT COUNT(*) FROM houses WHERE code = ?", [house]) == 0
            {
                session.problem(record, "house", "unknown house code: list the house in this file or register it first")
                return
            }
            if let existing = try connection.first(
                "SELECT house_code, apartment FROM accounts WHERE number = ?", [number])
            {
                if try existing.string(0) != house || existing.string(1) != apartment {
                    session.problem(record, "account", "this account is registered for a different premises")
                    return
                }
            } else {
                try connection.execute(
                    """
                    INSERT INTO accounts (number, house_code, entrance, apartment, area_centi, residents, owner_name)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                    [number, house, entrance, apartment, area, residents, owner])
            }
            try connection.execute(
                """
                INSERT INTO principal_accounts (principal_id, account_number, principal_account) VALUES (?, ?, ?)
                ON CONFLICT (principal_id, account_number) DO UPDATE SET principal_account = excluded.principal_account
                """,
                [principalId, number, principalAccount])
        }
    }

    private func balance(_ record: XMLRecord) {
        counts.balances += 1
        let f = record.fields
        guard let account = f["account"], let service = f["service"], let amount = f["amount"].flatMap({ Int64($0) })
        else { return }
        balanceTotal += Money(kopecks: amount)
        guard balances.insert(account + "|" + service).inserted else {
            session.problem(record, "balance", "duplicate balance: the same account and service appear earlier in the file")
            return
        }
        if !services.contains(service) {
            session.problem(record, "service", "not a service of this principal")
        }
        guard let principalId = session.principalId, let period = session.summary.period else { return }
        session.store {
            if !accounts.contains(account), try !session.serves(account) {
                session.problem(record, "account", "unknown account, or not one this principal serves")
            }
        }
        guard session.problems.isEmpty, let importId = session.importId else { return }
        pendingBalances.append([
            .text(account), .integer(principalId), .text(service), period.sqlValue, .text("opening"), .integer(amount),
            period.firstDay.sqlValue, .integer(importId), .integer(Int64(record.line)),
        ])
    }

    private func footer(_ record: XMLRecord) {
        let checks = [
            ("houseCount", counts.houses, "houses"), ("accountCount", counts.accounts, "accounts"),
            ("balanceCount", counts.balances, "balances"),
        ]
        for (field, actual, noun) in checks {
            if let said = record.fields[field].flatMap({ Int($0) }), said != actual {
                session.problem(record, field, "says \(said) \(noun), the file has \(actual)")
            }
        }
        if let said = record.fields["balanceTotal"].flatMap({ Int64($0) }), said != balanceTotal.kopecks {
            session.problem(
                record, "balanceTotal",
                "says \(Money(kopecks: said).decimalString), the balances add up to \(balanceTotal.decimalString)")
        }
    }

    func finish() {
        session.store {
            try connection.bulkInsert(
                into: "postings",
                columns: [
                    "account_number", "principal_id", "service_code", "period", "kind", "amount", "counts_from",
                    "source_file", "source_line",
                ],
                rows: pendingBalances)
        }
    }
}
