public import Core
public import Storage

/// Writes what the center holds for one principal back in the exchange formats: its
/// onboarding package, accounts registry, meters, tariffs and a period's charges (the same
/// kinds it sends, so an import can be checked by exporting it again), and the readings
/// received for its meters.
///
/// Files are written row by row from streaming queries, in constant memory.
public struct PrincipalExporter {
    let connection: any Connection
    let inn: String
    let principalId: Int64
    /// Written into headers as `createdAt`; an input, so the same data gives the same bytes.
    let createdAt: String

    public init(connection: any Connection, inn: String, createdAt: String) throws {
        self.connection = connection
        self.inn = inn
        self.createdAt = createdAt
        principalId = try PrincipalRegistry(connection: connection).id(of: inn)
    }

    func header(_ kind: ExchangeKind, _ period: BillingPeriod, fileId: String?) -> ExchangeHeader {
        ExchangeHeader(
            principalINN: inn, period: period, fileId: fileId ?? "ERC-\(kind.rawValue)-\(inn)-\(period)",
            createdAt: createdAt)
    }

    /// Writes the file of `kind` for `period` to `path`; returns the rows written.
    @discardableResult
    public func export(
        _ kind: ExchangeKind, period: BillingPeriod, to path: String, fileId: String? = nil
    ) throws -> Int {
        let header = header(kind, period, fileId: fileId)
        switch kind {
        case .principal: return try principal(header, path)
        case .accounts: return try accounts(header, path)
        case .meters: return try meters(header, path)
        case .tariffs: return try tariffs(header, path)
        case .charges: return try charges(header, path)
        case .readings: return try readings(header, path)
        default:
            throw RegistryError(code: .notFound, message: "\(kind) files are made by Billing, not by this exporter")
        }
    }

    private func principal(_ header: ExchangeHeader, _ path: String) throws -> Int {
        let registry = PrincipalRegistry(connection: connection)
        let details = try registry.show(inn: inn)
        guard
            let agreement = try registry.agreement(principalId: principalId, on: header.period.lastDay)
                ?? details.agreements.last
        else {
            throw RegistryError(code: .notFound, message: "principal \(inn) has no agreement to export")
        }
        let file = try PrincipalFileWriter(
            path: path, header: header, principal: details.principal, agreement: agreement)
        for service in details.services { try file.add(service) }
        try file.finish()
        return file.rows
    }

    private func accounts(_ header: ExchangeHeader, _ path: String) throws -> Int {
        let file = try AccountsFileWriter(path: path, header: header)
        // The common-property data of the houses whose data it sent.
        let common = try HouseBook(connection: connection).commonProperty(setBy: principalId)
        try connection.query(
            """
            SELECT DISTINCT h.code, h.postal_code, h.city, h.street, h.number
            FROM principal_accounts pa JOIN accounts a ON a.number = pa.account_number
            JOIN houses h ON h.code = a.house_code WHERE pa.principal_id = ? ORDER BY h.code
            """, [principalId]
        ) { row in
            try file.add(
                House(
                    code: try row.string(0), postalCode: try row.string(1), city: try row.string(2),
                    street: try row.string(3), number: try row.string(4), commonProperty: common[try row.string(0)]))
        }
        // A premises that changed owner goes out with its owner at the period's end and the day
        // that owner owns it from.
        let owners = try OwnerBook(connection: connection).histories(from: "", to: "~")
        try connection.query(
            """
            SELECT a.number, a.house_code, a.entrance, a.apartment, a.area_centi, a.residents, a.owner_name,
                   pa.principal_account
            FROM principal_accounts pa JOIN accounts a ON a.number = pa.account_number
            WHERE pa.principal_id = ? ORDER BY a.number
            """, [principalId]
        ) { row in
            let number = try row.string(0)
            let change = owners[number]?.changes.last(where: { $0.since <= header.period.lastDay })
            try file.add(
                Premises(
                    account: try PersonalAccountNumber(number), houseCode: try row.string(1),
                    entrance: try row.int(2), apartment: try row.string(3), areaCenti: try row.int64(4),
                    residents: try row.int(5), ownerName: change?.name ?? (try row.string(6)),
                    ownerSince: change?.since, principalAccount: try row.optionalString(7)
                ))
        }
        try connection.query(
            """
            SELECT account_number, service_code, SUM(amount), MIN(for_period) FROM postings
            WHERE principal_id = ? AND kind = 'opening' AND period = ?
            GROUP BY account_number, service_code ORDER BY account_number, service_code
            """, [principalId, header.period]
        ) { row in
            // The default (the period before) is left out, as a file that did not name it.
            let since = try row.optionalString(3).flatMap(BillingPeriod.init)
            try file.add(
                OpeningBalance(
                    account: try PersonalAccountNumber(try row.string(0)), serviceCode: try row.string(1),
                    amount: try row.money(2), since: since == header.period.previous ? nil : since))
        }
        try connection.query(
            """
            SELECT account_number, service_code, category, residents, percent, effective_from, effective_until,
                   area_norm_centi, fixed_amount
            FROM privileges WHERE principal_id = ?
            ORDER BY account_number, service_code, category, effective_from
            """, [principalId]
        ) { row in
            try file.add(
                Privilege(
                    account: try PersonalAccountNumber(try row.string(0)), serviceCode: try row.string(1),
                    category: try row.string(2), residents: try row.int(3), percent: try row.int(4),
                    areaNormCenti: try row.optionalInt64(7),
                    fixedAmount: try row.optionalInt64(8).map { Money(kopecks: $0) },
                    from: try row.date(5), until: try row.optionalString(6).flatMap(CalendarDate.init(iso:))))
        }
        try file.finish()
        return file.rows
    }

    private func meters(_ header: ExchangeHeader, _ path: String) throws -> Int {
        let file = try MetersFileWriter(path: path, header: header)
        try connection.query(
            """
            SELECT serial, account_number, service_code, digits, installed_on, verified_until, initial_reading_milli,
                   removed_on
            FROM meters WHERE principal_id = ? ORDER BY serial
            """, [principalId]
        ) { row in
            try file.add(
                Meter(
                    serial: try row.string(0), account: try PersonalAccountNumber(try row.string(1)), principalINN: inn,
                    serviceCode: try row.string(2), digits: try row.int(3), installedOn: try row.date(4),
                    verifiedUntil: try row.date(5), initialReadingMilli: try row.optionalInt64(6),
                    removedOn: row.isNull(7) ? nil : try row.date(7)))
        }
        try connection.query(
            """
            SELECT serial, house_code, service_code, digits, installed_on, verified_until, initial_reading_milli, removed_on
            FROM house_meters WHERE principal_id = ? ORDER BY serial
            """, [principalId]
        ) { row in
            try file.add(
                HouseMeter(
                    serial: try row.string(0), houseCode: try row.string(1), serviceCode: try row.string(2),
                    digits: try row.int(3), installedOn: try row.date(4), verifiedUntil: try row.date(5),
                    initialReadingMilli: try row.optionalInt64(6), removedOn: row.isNull(7) ? nil : try row.date(7)))
        }
        try file.finish()
        return file.rows
    }

    private func tariffs(_ header: ExchangeHeader, _ path: String) throws -> Int {
        let file = try TariffsFileWriter(path: path, header: header)
        try connection.query(
            """
            SELECT service_code, effective_from, price, component_price, component_factor_micro FROM tariffs
            WHERE principal_id = ? ORDER BY service_code, effective_from
            """,
            [principalId]
        ) { row in
            try file.add(Tariff(row))
        }
        try file.finish()
        return file.rows
    }

    private func charges(_ header: ExchangeHeader, _ path: String) throws -> Int {
        let file = try ChargesFileWriter(path: path, header: header)
        try connection.query(
            """
            SELECT kind, account_number, service_code, volume_milli, tariff, amount, for_period, note
            FROM postings WHERE principal_id = ? AND period = ? AND kind IN ('charge', 'recalculation')
            ORDER BY source_file, source_line, id
            """, [principalId, header.period]
        ) { row in
            let account = try PersonalAccountNumber(try row.string(1))
            if try row.string(0) == "charge" {
                try file.add(
                    Charge(
                        account: account, principalINN: inn, serviceCode: try row.string(2), period: header.period,
                        volumeMilli: try row.int64(3), tariff: try row.money(4), amount: try row.money(5)))
            } else {
                try file.add(
                    Recalculation(
                        account: account, serviceCode: try row.string(2), forPeriod: try row.period(6),
                        amount: try row.money(5), reason: try row.optionalString(7) ?? "перерасчёт"))
            }
        }
        try file.finish()
        return file.rows
    }

    private func readings(_ header: ExchangeHeader, _ path: String) throws -> Int {
        let file = try ReadingsFileWriter(path: path, header: header)
        try connection.query(
            """
            SELECT account_number, meter_serial, service_code, value_milli, taken_on, channel, received_at
            FROM readings WHERE principal_id = ? AND period = ? ORDER BY account_number, meter_serial, taken_on, id
            """, [principalId, header.period]
        ) { row in
            try file.add(
                MeterReading(
                    account: try PersonalAccountNumber(try row.string(0)), meterSerial: try row.string(1),
                    serviceCode: try row.string(2), valueMilli: try row.int64(3), takenOn: try row.date(4),
                    channel: MeterReading.Channel(rawValue: try row.string(5)) ?? .web, receivedAt: try row.string(6)))
        }
        // The house meters' (ОДПУ) readings.
        try connection.query(
            """
            SELECT r.house_code, r.meter_serial, m.service_code, r.value_milli, r.taken_on, r.channel, r.received_at
            FROM house_readings r JOIN house_meters m ON m.principal_id = r.principal_id AND m.serial = r.meter_serial
            WHERE r.principal_id = ? AND r.period = ? ORDER BY r.house_code, r.meter_serial, r.taken_on, r.id
            """, [principalId, header.period]
        ) { row in
            try file.add(
                HouseMeterReading(
                    houseCode: try row.string(0), meterSerial: try row.string(1), serviceCode: try row.string(2),
                    valueMilli: try row.int64(3), takenOn: try row.date(4),
                    channel: MeterReading.Channel(rawValue: try row.string(5)) ?? .principal,
                    receivedAt: try row.string(6)))
        }
        try file.finish()
        return file.rows
    }
}
