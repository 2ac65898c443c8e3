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
    var premisesKeys: Set<String> = []
    var services: Set<String> = []
    var counts = (houses: 0, accounts: 0, balances: 0, privileges: 0)
    var balanceTotal = Money.zero
    var pendingBalances: [Posting] = []

    init(session: ImportSession) {
        self.session = session
    }

    var connection: any Connection { session.connection }

    func header(_ record: XMLRecord) throws -> Bool {
        guard let codes = try session.beginRegistry(header: record) else { return false }
        services = codes
        return true
    }

    func record(_ record: XMLRecord) throws {
        switch record.name {
        case "house": try house(record)
        case "account": try account(record)
        case "balance": try balance(record)
        case "privilege": try privilege(record)
        case "footer": try footer(record)
        default: break
        }
    }

    private func house(_ record: XMLRecord) throws {
        counts.houses += 1
        let f = record.fields
        guard let code = f["code"], let postal = f["postalCode"], let city = f["city"], let street = f["street"],
            let number = f["number"]
        else { return }
        guard houses.insert(code).inserted else {
            session.problem(record, "code", "duplicate house code in the file")
            return
        }
        if let existing = try connection.first(
            "SELECT postal_code, city, street, number FROM houses WHERE code = ?", [code])
        {
            let same =
                try [existing.string(0), existing.string(1), existing.string(2), existing.string(3)]
                == [postal, city, street, number]
            if !same {
                session.problem(record, "house", "this house code is registered with a different address")
            }
        } else {
            try connection.execute(
                "INSERT INTO houses (code, postal_code, city, street, number) VALUES (?, ?, ?, ?, ?)",
                [code, postal, city, street, number])
        }
        try commonProperty(record, house: code)
    }

    /// Common-property data of the file's houses, checked once its premises are staged.
    var pendingCommon: [(house: String, data: CommonProperty, line: Int)] = []
    /// The most a СОИ norm can be: 100 units per m² of common property a month.
    static let normCeilingMicro: Int64 = 100_000_000

    /// The house's common-property data, when the file gives them: read here, checked against
    /// the registry and the file's premises by `finishChecks`, set by `finish`.
    private func commonProperty(_ record: XMLRecord, house: String) throws {
        let f = record.fields
        guard let commonText = f["commonArea"] else { return }
        guard let common = parseScaled(commonText, scale: 2), let premisesText = f["premisesArea"],
            let premises = parseScaled(premisesText, scale: 2),
            let management = f["management"].flatMap(CommonProperty.Management.init(rawValue:))
        else { return }
        var norms: [Service.Resource: Int64] = [:]
        for (resource, element) in CommonProperty.normElements {
            guard let text = f[element] else { continue }
            guard let norm = parseScaled(text, scale: 6) else { return }
            if norm > Self.normCeilingMicro {
                session.problem(record, element, "a norm of more than 100 units per m² of common property a month")
            }
            norms[resource] = norm
        }
        if norms.isEmpty {
            session.problem(record, "commonArea", "common-property data name the norm of at least one resource")
        }
        pendingCommon.append(
            (
                house,
                CommonProperty(
                    commonAreaCenti: common, premisesAreaCenti: premises, management: management,
                    method: f["ownersDecision"].flatMap(CommonProperty.Method.init(rawValue:)) ?? .norm,
                    normsMicro: norms),
                record.line(of: "commonArea")
            ))
    }

    /// The common-property data against the registry and the file: who may send them (``HouseBook``),
    /// a managing organisation serves premises of the house, and the premises' area is no less
    /// than the house's premises registered and in this file add up to.
    private func checkCommonProperty() throws {
        guard let principalId = session.principalId else { return }
        let book = HouseBook(connection: connection)
        let staging = staged ? Self.staging : nil
        for (house, data, line) in pendingCommon {
            if let refusal = try book.refusal(of: data, for: house, by: principalId) {
                session.problem(line: line, element: "management", reason: refusal)
                continue
            }
            let inFile = staging.map { "UNION SELECT number, area_centi FROM \($0) WHERE house_code = ?" } ?? ""
            let binds: [any SQLBindable] = staging == nil ? [house] : [house, house]
            let premises = try connection.one(
                """
                SELECT COALESCE(SUM(area_centi), 0), COUNT(*) FROM (
                    SELECT number, area_centi FROM accounts WHERE house_code = ? \(inFile)) p
                """, binds)
            if data.premisesAreaCenti < (try premises.int64(0)) {
                session.problem(
                    line: line, element: "premisesArea",
                    reason: "\(Money(kopecks: data.premisesAreaCenti).decimalString) m² is less than the house's "
                        + "premises add up to, \(Money(kopecks: try premises.int64(0)).decimalString) m²")
            }
            if data.management == .organisation {
                let served = try connection.scalar(
                    """
                    SELECT COUNT(*) FROM principal_accounts pa JOIN accounts a ON a.number = pa.account_number
                    WHERE pa.principal_id = ? AND a.house_code = ?
                    """, [principalId, house])
                let listed =
                    try staging.map {
                        try connection.scalar("SELECT COUNT(*) FROM \($0) WHERE house_code = ?", [house])
                    } ?? 0
                if served + listed == 0 {
                    session.problem(
                        line: line, element: "management",
                        reason: "this organisation serves no premises of the house: list them in this file")
                }
            }
        }
    }

    static let staging = "erc_import_premises"
    var staged = false
    var pendingPremises: [[SQLValue]] = []

    private func account(_ record: XMLRecord) throws {
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
        if let problem = OwnerBook.problem(with: owner) {
            session.problem(record, "owner", problem)
        }
        if let delivery = f["delivery"].flatMap(Delivery.init(rawValue:)),
            let consentedOn = f["consentedOn"].flatMap(CalendarDate.init(iso:))
        {
            let email = f["email"]
            if let email, let problem = DeliveryConsent.problem(withAddress: email) {
                session.problem(record, "email", problem)
            } else if let period = session.summary.period, consentedOn > period.next.lastDay {
                session.problem(
                    record, "consentedOn",
                    "a consent dated \(consentedOn.russian), after the month that follows \(period)")
            } else if delivery.mailed, email == nil {
                session.problem(record, "email", "delivery by \(delivery.rawValue) needs the e-mail address")
            } else {
                pendingConsents.append(
                    (
                        DeliveryConsent(
                            account: number, delivery: delivery, email: delivery.mailed ? email : nil,
                            consentedOn: consentedOn, source: ""), record.line(of: "delivery")
                    ))
            }
        }
        if let since = f["ownerSince"].flatMap(CalendarDate.init(iso:)), let period = session.summary.period,
            since > period.next.lastDay
        {
            session.problem(
                record, "ownerSince", "a change of owner from \(since.russian), after the month that follows \(period)")
        }
        guard accounts.insert(number).inserted else {
            session.problem(record, "number", "duplicate account in the file")
            return
        }
        guard premisesKeys.insert(house + "\u{1F}" + apartment).inserted else {
            session.problem(
                record, "apartment", "duplicate premises in the file: the same house and apartment appear earlier")
            return
        }
        guard session.principalId != nil else { return }
        if !staged {
            try connection.execute("DROP TABLE IF EXISTS \(Self.staging)")
            try connection.execute(
                """
                CREATE TEMPORARY TABLE \(Self.staging) (
                    number TEXT NOT NULL, principal_account TEXT, house_code TEXT NOT NULL, entrance INTEGER NOT NULL,
                    apartment TEXT NOT NULL, area_centi BIGINT NOT NULL, residents INTEGER NOT NULL,
                    owner_name TEXT NOT NULL, owner_since TEXT, line BIGINT NOT NULL, house_line BIGINT NOT NULL)
                """)
            staged = true
        }
        pendingPremises.append([
            .text(number), f["principalAccount"].map(SQLValue.text) ?? .null, .text(house), .integer(Int64(entrance)),
            .text(apartment), .integer(area), .integer(Int64(residents)), .text(OwnerBook.normalized(owner)),
            f["ownerSince"].flatMap(CalendarDate.init(iso:))?.sqlValue ?? .null,
            .integer(Int64(record.line(of: "number"))), .integer(Int64(record.line(of: "house"))),
        ])
        if pendingPremises.count >= 10_000 { try flushPremises() }
    }

    private func flushPremises() throws {
        guard staged, !pendingPremises.isEmpty else { return }
        try connection.bulkInsert(
            into: Self.staging,
            columns: [
                "number", "principal_account", "house_code", "entrance", "apartment", "area_centi", "residents",
                "owner_name", "owner_since", "line", "house_line",
            ],
            rows: pendingPremises)
        pendingPremises.removeAll(keepingCapacity: true)
    }

    /// Set checks of the staged premises against the registry: the house must exist, an account
    /// registered before must be the same premises, a premises must not be registered under
    /// another account.
    func finishChecks() throws {
        try flushPremises()
        try checkCommonProperty()
        guard staged else { return }
        try connection.query(
            """
            SELECT s.house_line FROM \(Self.staging) s LEFT JOIN houses h ON h.code = s.house_code
            WHERE h.code IS NULL ORDER BY s.line
            """
        ) { row in
            session.problem(
                line: try row.int(0), element: "house",
                reason: "unknown house code: list the house in this file or register it first")
        }
        try connection.query(
            """
            SELECT s.line FROM \(Self.staging) s JOIN accounts a ON a.number = s.number
            WHERE a.house_code <> s.house_code OR a.apartment <> s.apartment ORDER BY s.line
            """
        ) { row in
            session.problem(
                line: try row.int(0), element: "account",
                reason: "this account is registered for a different premises")
        }
        try connection.query(
            """
            SELECT s.line FROM \(Self.staging) s
            JOIN accounts a ON a.house_code = s.house_code AND a.apartment = s.apartment AND a.number <> s.number
            ORDER BY s.line
            """
        ) { row in
            session.problem(
                line: try row.int(0), element: "account",
                reason: "this premises is registered under another account")
        }
        try checkOwnerChanges()
        if !session.hasProblems, !pendingBalances.isEmpty { try checkBalancesOpened() }
    }

    var pendingOwners: [(account: String, name: String, since: CalendarDate, line: Int)] = []
    var pendingConsents: [(consent: DeliveryConsent, line: Int)] = []

    /// An account registered before with an `ownerSince`: a change of owner from that day,
    /// unless the premises has that owner on that day already (the file sent again); another
    /// name on a day that has a change already is refused.
    private func checkOwnerChanges() throws {
        let book = OwnerBook(connection: connection)
        let rows = try connection.all(
            """
            SELECT s.number, s.owner_name, s.owner_since, s.line FROM \(Self.staging) s
            JOIN accounts a ON a.number = s.number WHERE s.owner_since IS NOT NULL ORDER BY s.line
            """)
        for row in rows {
            let account = try row.string(0)
            let name = try row.string(1)
            let since = try row.date(2)
            let line = try row.int(3)
            guard let history = try book.history(of: account), history.owner(on: since) != name else { continue }
            if let other = history.changes.first(where: { $0.since == since }) {
                session.problem(
                    line: line, element: "ownerSince",
                    reason: "account \(account) has a change of owner on \(since.russian) already, to \(other.name)")
                continue
            }
            if let problem = try book.problem(from: since) ?? OwnerBook.repeats(history, name, from: since) {
                session.problem(line: line, element: "ownerSince", reason: problem)
                continue
            }
            pendingOwners.append((account, name, since, line))
        }
    }

    /// An account and service this principal carried a balance in for before (another accounts
    /// file, whatever period it dated from) is refused: the same file under a new id would double
    /// the debt. One set query over the file's balances, staged.
    private func checkBalancesOpened() throws {
        guard let principalId = session.principalId else { return }
        let table = "erc_import_balances"
        try connection.execute("DROP TABLE IF EXISTS \(table)")
        try connection.execute(
            "CREATE TEMPORARY TABLE \(table) (account_number TEXT NOT NULL, service_code TEXT NOT NULL, line BIGINT NOT NULL)"
        )
        try connection.bulkInsert(
            into: table, columns: ["account_number", "service_code", "line"],
            rows: pendingBalances.lazy.map { balance in
                var line = SQLValue.null
                if case .file(_, let row?) = balance.source { line = .integer(row) }
                return [.text(balance.account), .text(balance.serviceCode), line]
            })
        try connection.query(
            """
            SELECT b.line, COALESCE(f.file_id, ''), MIN(o.source_line), MIN(o.for_period) FROM \(table) b
            JOIN postings o ON o.account_number = b.account_number AND o.principal_id = ?
                AND o.service_code = b.service_code AND o.kind = 'opening'
            LEFT JOIN import_files f ON f.id = o.source_file
            GROUP BY b.line, f.file_id ORDER BY b.line
            """, [principalId]
        ) { row in
            let earlier = try row.string(1)
            let since = try row.optionalString(3).map { " dating from \($0)" } ?? ""
            session.problem(
                line: try row.int(0), element: "balance",
                reason: "this account and service carry an opening balance\(since) already, from file "
                    + "\(earlier.isEmpty ? "?" : earlier) (line \(try row.optionalInt64(2) ?? 0)): a balance is carried in "
                    + "once; correct it with a recalculation in a charges file")
        }
        try connection.execute("DROP TABLE \(table)")
    }

    private func balance(_ record: XMLRecord) throws {
        counts.balances += 1
        let f = record.fields
        guard let account = f["account"], let service = f["service"], let amount = f["amount"].flatMap({ Int64($0) })
        else { return }
        balanceTotal += Money(kopecks: amount)
        guard let principalId = session.principalId, let period = session.summary.period else { return }
        var since = period.previous
        if let text = f["since"], let named = BillingPeriod(text) {
            if named >= period {
                session.problem(record, "since", "a balance carried into \(period) dates from an earlier period")
            }
            since = named
        }
        // Debts of several periods of one account and service are a balance each, by its period.
        guard balances.insert("\(account)|\(service)|\(since)").inserted else {
            session.problem(
                record, "balance",
                "duplicate balance: the same account, service and period it dates from appear earlier in the file")
            return
        }
        if !services.contains(service) {
            session.problem(record, "service", "not a service of this principal")
        }
        try checkServed(record, account)
        guard !session.hasProblems, let importId = session.importId else { return }
        pendingBalances.append(
            Posting(
                account: account, principalId: principalId, serviceCode: service, period: period, kind: .opening,
                amount: Money(kopecks: amount), countsFrom: period.firstDay, forPeriod: since,
                source: .file(importId: importId, line: Int64(record.line))))
    }

    private func checkServed(_ record: XMLRecord, _ account: String) throws {
        if !accounts.contains(account), try !session.serves(account) {
            session.problem(record, "account", "unknown account, or not one this principal serves")
        }
    }

    var privileges: Set<String> = []
    var pendingPrivileges: [[SQLValue]] = []

    private func privilege(_ record: XMLRecord) throws {
        counts.privileges += 1
        let f = record.fields
        guard let account = f["account"], let service = f["service"], let category = f["category"],
            let residents = f["residents"].flatMap({ Int($0) }), let from = f["from"].flatMap(CalendarDate.init(iso:))
        else { return }
        // A percent (of the area within a social norm, when it names one) or a fixed sum a month.
        let percent = f["percent"].flatMap { Int($0) } ?? 0
        let areaNorm = f["areaNorm"].flatMap { parseScaled($0, scale: 2) }
        let fixed = f["fixedAmount"].flatMap { Int64($0) }
        if areaNorm == 0 {
            session.problem(record, "areaNorm", "a social norm of area of zero gives no privilege")
        }
        let until = f["until"].flatMap(CalendarDate.init(iso:))
        if let until, until < from {
            session.problem(record, "until", "a privilege cannot end before it begins")
        }
        if !services.contains(service) {
            session.problem(record, "service", "not a service of this principal")
        }
        guard privileges.insert([account, service, category, from.description].joined(separator: "|")).inserted else {
            session.problem(
                record, "privilege", "duplicate privilege: the same account, service, category and day appear earlier")
            return
        }
        guard let principalId = session.principalId else { return }
        try checkServed(record, account)
        pendingPrivileges.append([
            .integer(principalId), .text(account), .text(service), .text(category), .integer(Int64(residents)),
            .integer(Int64(percent)), from.sqlValue, until?.sqlValue ?? .null, areaNorm.map(SQLValue.integer) ?? .null,
            fixed.map(SQLValue.integer) ?? .null,
        ])
    }

    private func footer(_ record: XMLRecord) throws {
        let checks = [
            ("houseCount", counts.houses, "houses"), ("accountCount", counts.accounts, "accounts"),
            ("balanceCount", counts.balances, "balances"),
        ]
        session.checkCount(record, "privilegeCount", "privileges", counts.privileges)
        for (field, actual, noun) in checks {
            session.checkCount(record, field, noun, actual)
        }
        if let said = record.fields["balanceTotal"].flatMap({ Int64($0) }), said != balanceTotal.kopecks {
            session.problem(
                record, "balanceTotal",
                "says \(Money(kopecks: said).decimalString), the balances add up to \(balanceTotal.decimalString)")
        }
    }

    func finish() throws {
        guard let principalId = session.principalId else { return }
        let houses = HouseBook(connection: connection)
        for (house, data, _) in pendingCommon {
            try houses.set(data, for: house, by: principalId)
        }
        if staged {
            // New premises first (an account registered before stays as it is), then the link
            // to this principal with its own number for the premises.
            try connection.execute(
                """
                INSERT INTO accounts (number, house_code, entrance, apartment, area_centi, residents, owner_name)
                SELECT number, house_code, entrance, apartment, area_centi, residents, owner_name
                FROM \(Self.staging) s WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.number = s.number)
                """)
            try connection.execute(
                """
                INSERT INTO principal_accounts (principal_id, account_number, principal_account)
                SELECT ?, number, principal_account FROM \(Self.staging) WHERE true
                ON CONFLICT (principal_id, account_number) DO UPDATE SET principal_account = excluded.principal_account
                """, [principalId])
            try connection.execute("DROP TABLE \(Self.staging)")
        }
        let owners = OwnerBook(connection: connection)
        for change in pendingOwners {
            try owners.change(
                account: change.account, to: change.name, from: change.since,
                source: OwnerBook.source(fileId: session.summary.fileId, line: change.line))
        }
        // The customers' delivery choices the principal proposes (the premises are registered now).
        let deliveries = DeliveryBook(connection: connection)
        for (consent, line) in pendingConsents {
            var proposed = consent
            proposed.source = "accounts file \(session.summary.fileId) line \(line)"
            try deliveries.record(proposed, byCenter: false, notAfter: .clamped(9999, 12, 31))
        }
        try PostingWriter(connection: connection).append(pendingBalances)
        // A privilege registered again (the same account, service, category and first day)
        // takes the file's terms.
        for row in pendingPrivileges {
            try connection.execute(
                """
                INSERT INTO privileges (principal_id, account_number, service_code, category, residents, percent,
                                        effective_from, effective_until, area_norm_centi, fixed_amount)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (principal_id, account_number, service_code, category, effective_from) DO UPDATE SET
                    residents = excluded.residents, percent = excluded.percent,
                    effective_until = excluded.effective_until, area_norm_centi = excluded.area_norm_centi,
                    fixed_amount = excluded.fixed_amount
                """, row)
        }
    }
}
