public import Core
public import Storage

/// Reads billed statements from storage as ЕПД documents, in delivery order (postal code,
/// street, house, entrance, apartment), streaming one document at a time.
public struct EPDLoader {
    let connection: any Connection
    let center: Center

    public init(connection: any Connection, center: Center) {
        self.connection = connection
        self.center = center
    }

    /// Calls `body` with each document of the period. `share` picks every `of`-th premises by
    /// the last digit of its account, so that several workers split one period between them.
    public func forEachDocument(
        period: BillingPeriod, account: PersonalAccountNumber? = nil, share: (index: Int, of: Int) = (0, 1),
        _ body: (EPDDocument) throws -> Void
    ) throws {
        var binds: [any SQLBindable] = [period, share.of, share.index]
        var accountFilter = ""
        if let account {
            accountFilter = "AND s.account_number = ?"
            binds.append(account)
        }
        var current: EPDDocument?
        try connection.query(
            """
            SELECT s.account_number, a.owner_name, h.postal_code, h.city, h.street, h.number, a.entrance,
                   a.apartment, a.area_centi, a.residents,
                   p.name, p.inn, p.kpp, p.bank_name, p.bic, p.account, p.phone,
                   COALESCE(sv.name, l.service_code), COALESCE(sv.unit, ''), l.volume_milli, l.tariff, l.amount,
                   l.recalculated, l.privileges, s.opening, s.paid, s.penalties
            FROM statements s
            JOIN accounts a ON a.number = s.account_number
            JOIN houses h ON h.code = a.house_code
            JOIN statement_lines l ON l.period = s.period AND l.account_number = s.account_number
            JOIN principals p ON p.id = l.principal_id
            LEFT JOIN services sv ON sv.principal_id = l.principal_id AND sv.code = l.service_code
            WHERE s.period = ? AND CAST(substr(s.account_number, 10, 1) AS INTEGER) % ? = ? \(accountFilter)
            ORDER BY h.postal_code, h.street, h.number, a.entrance, a.apartment, s.account_number, l.line_no
            """,
            binds
        ) { row in
            let number = try row.string(0)
            if current?.account.value != number {
                if let done = current { try body(done) }
                let city = try row.string(3)
                let street = try row.string(4)
                let house = try row.string(5)
                let apartment = try row.string(7)
                let postal = try row.string(2)
                current = EPDDocument(
                    period: period, account: try PersonalAccountNumber(number), ownerName: try row.string(1),
                    address: "\(postal), г. \(city), \(street), д. \(house), кв. \(apartment)",
                    postalCode: postal, street: street, houseNumber: house, entrance: try row.int(6),
                    apartment: apartment, areaCenti: try row.int64(8), residents: try row.int(9), center: center,
                    principals: [])
                current!.opening = try row.money(24)
                current!.paid = try row.money(25)
                current!.penalties = try row.money(26)
            }
            let inn = try row.string(11)
            if current!.principals.last?.inn != inn {
                current!.principals.append(
                    EPDDocument.PrincipalBlock(
                        name: try row.string(10), inn: inn, kpp: try row.string(12), bankName: try row.string(13),
                        bic: try row.string(14), account: try row.string(15), phone: try row.string(16), lines: []))
            }
            current!.principals[current!.principals.count - 1].lines.append(
                EPDDocument.Line(
                    serviceName: try row.string(17), unit: try row.string(18), volumeMilli: try row.int64(19),
                    tariff: try row.money(20), amount: try row.money(21), recalculated: try row.money(22),
                    privileges: try row.money(23)))
        }
        if let done = current { try body(done) }
    }
}
