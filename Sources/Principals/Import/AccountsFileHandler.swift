import Core
import Storage

/// An accounts registry: the houses, premises (with personal accounts) and meters a principal
/// serves. A house or account that another principal registered first must match it.
final class AccountsFileHandler: RecordHandler {
    let session: ImportSession
    var houses: Set<String> = []
    var accounts: Set<String> = []
    var serials: Set<String> = []
    var services: Set<String> = []
    var counts = (houses: 0, accounts: 0, meters: 0)

    init(session: ImportSession) {
        self.session = session
    }

    var connection: any Connection { session.connection }

    func header(_ record: XMLRecord) -> Bool {
        guard session.begin(header: record), let principalId = session.principalId else { return false }
        session.store {
            try connection.query("SELECT code FROM services WHERE principal_id = ?", [principalId]) {
                services.insert(try $0.string(0))
            }
        }
        session.recordImport(period: nil)
        return true
    }

    func record(_ record: XMLRecord) {
        switch record.name {
        case "house": house(record)
        case "account": account(record)
        case "meter": meter(record)
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
                "INSERT INTO principal_accounts (principal_id, account_number) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [principalId, number])
        }
    }

    private func meter(_ record: XMLRecord) {
        counts.meters += 1
        let f = record.fields
        guard let serial = f["serial"], let account = f["account"], let service = f["service"],
            let digits = f["digits"].flatMap({ Int($0) }),
            let installed = f["installedOn"].flatMap(CalendarDate.init(iso:)),
            let verified = f["verifiedUntil"].flatMap(CalendarDate.init(iso:))
        else { return }
        guard serials.insert(serial).inserted else {
            session.problem(record, "serial", "duplicate meter serial in the file")
            return
        }
        if !services.contains(service) {
            session.problem(record, "service", "not a service of this principal")
        }
        if verified <= installed {
            session.problem(record, "verifiedUntil", "must be after installedOn")
        }
        guard let principalId = session.principalId else { return }
        session.store {
            var known = accounts.contains(account)
            if !known {
                known = try connection.scalar(
                    "SELECT COUNT(*) FROM principal_accounts WHERE principal_id = ? AND account_number = ?",
                    [principalId, account]) > 0
            }
            if !known {
                session.problem(record, "account", "unknown account, or not one this principal serves")
            }
            guard session.problems.isEmpty else { return }
            try connection.execute(
                """
                INSERT INTO meters (principal_id, serial, service_code, account_number, digits, installed_on, verified_until)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (principal_id, serial) DO UPDATE SET service_code = excluded.service_code,
                    account_number = excluded.account_number, digits = excluded.digits,
                    installed_on = excluded.installed_on, verified_until = excluded.verified_until
                """,
                [principalId, serial, service, account, digits, installed, verified])
        }
    }

    private func footer(_ record: XMLRecord) {
        let checks = [
            ("houseCount", counts.houses, "houses"), ("accountCount", counts.accounts, "accounts"),
            ("meterCount", counts.meters, "meters"),
        ]
        for (field, actual, noun) in checks {
            if let said = record.fields[field].flatMap({ Int($0) }), said != actual {
                session.problem(record, field, "says \(said) \(noun), the file has \(actual)")
            }
        }
    }

    func finish() {}
}
