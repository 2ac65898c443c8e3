import CommandLineSupport
import Core
import Foundation
import Storage

/// A large region loaded straight into storage for the billing benchmark, without the exchange
/// files (their import is benchmarked on its own): one principal per service, houses of 100
/// premises, supplied charges as postings, debts carried in.
struct SyntheticRegion {
    var premises: Int
    var services: Int
    var period: BillingPeriod
    /// Three of the supplied services become the houses' common property (СОИ): cold water, hot
    /// water and electricity, each of a supplier of its own under direct management; every
    /// house has its data and norms, one in five house meters with two months of readings, and
    /// one in ten its owners' decision to pay by the house meter month by month.
    var commonProperty = false
    /// The same three services calculated per area instead: the baseline of `commonProperty`, as
    /// many postings and lines without the houses' data.
    var threeMorePerArea = false

    static func account(_ index: Int) -> String {
        let text = String(index + 1)
        return "01" + String(repeating: "0", count: max(0, 8 - text.count)) + text
    }

    /// Calculated services: per area (two), per resident, fixed, with `commonProperty` three for
    /// the common property; the rest are supplied.
    func calculation(of service: Int) -> String {
        switch service {
        case 0, 1: "per-area"
        case 2: "per-resident"
        case 3: "fixed"
        case 4...6 where commonProperty: "common-property"
        case 4...6 where threeMorePerArea: "per-area"
        default: "supplied"
        }
    }

    /// The resource of a common-property service.
    func resource(of service: Int) -> String? {
        guard calculation(of: service) == "common-property" else { return nil }
        return ["cold-water", "hot-water", "electricity"][service - 4]
    }

    func load(into connection: any Connection) throws {
        try connection.withTransaction {
            for service in 0..<services {
                let id = Int64(service + 1)
                try connection.execute(
                    """
                    INSERT INTO principals (id, inn, kpp, ogrn, name, kind, bank_name, bic, corr_account, account, address,
                                            phone, status)
                    VALUES (?, ?, '745101001', '1027400000000', ?, ?, 'ПАО СБЕРБАНК', '047501602',
                            '30101810700000000602', '40702810000000000000', 'г. Челябинск', '+7 351 000-00-00', 'active')
                    """,
                    [
                        id, "74510\(10_000 + service)", "Поставщик \(service + 1)",
                        resource(of: service) == nil ? "management" : "water",
                    ])
                try connection.execute(
                    """
                    INSERT INTO services (principal_id, code, name, unit, calculation, norm_milli, resource)
                    VALUES (?, ?, ?, 'шт.', ?, ?, ?)
                    """,
                    [
                        id, "S\(service)", "Услуга \(service + 1)", calculation(of: service),
                        resource(of: service) == nil ? Int64(1000) : nil, resource(of: service),
                    ])
                try connection.execute(
                    "INSERT INTO tariffs (principal_id, service_code, effective_from, price) VALUES (?, ?, '2026-01-01', ?)",
                    [id, "S\(service)", Int64(1_000 + service * 137)])
                try connection.execute(
                    """
                    INSERT INTO agreements (principal_id, effective_from, number, signed_on, fee_basis_points, payout_schedule,
                                            payee)
                    VALUES (?, '2026-01-01', ?, '2025-12-15', 150, 'daily', 'center')
                    """, [id, "АД-\(service + 1)"])
            }
        }
        var random = SeededRandom(seed: 7)
        let chunk = 20_000
        var start = 0
        let progress = Progress("loading the region", total: premises)
        while start < premises {
            let end = min(start + chunk, premises)
            var houses: [[SQLValue]] = []
            var accounts: [[SQLValue]] = []
            var links: [[SQLValue]] = []
            var postings: [Posting] = []
            var norms: [[SQLValue]] = []
            var meters: [[SQLValue]] = []
            var readings: [[SQLValue]] = []
            for index in start..<end {
                let account = Self.account(index)
                if index % 100 == 0 {
                    let house = index / 100
                    houses.append(
                        [
                            .text("H\(house)"), .text("454000"), .text("Челябинск"), .text("ул. Тестовая"),
                            .text("\(house + 1)"),
                        ]
                            + (commonProperty
                                ? [
                                    .integer(120_000), .integer(980_000), .text("direct"),
                                    .text(house % 10 == 0 ? "meter" : "norm"),
                                ] : []))
                    for service in 4...6 where commonProperty {
                        norms.append([.text("H\(house)"), .text(resource(of: service)!), .integer(31_200)])
                        guard house % 5 == 0 else { continue }
                        let serial = "ODPU-\(service)-\(house)"
                        meters.append([
                            .integer(Int64(service + 1)), .text(serial), .text("H\(house)"), .text("S\(service)"),
                            .text(resource(of: service)!), .integer(8), .text("2024-01-15"), .text("2030-01-15"),
                            .integer(1_000_000),
                        ])
                        for (month, value) in [(period.previous, Int64(1_400_000)), (period, Int64(1_800_000))] {
                            readings.append([
                                .integer(Int64(service + 1)), .text(serial), .text("H\(house)"), .integer(value),
                                month.day(20).sqlValue, month.sqlValue, .text("principal"),
                                .text("\(month.day(20))T12:00:00+05:00"), .integer(400_000),
                            ])
                        }
                    }
                }
                let area = Int64(random.int(2_800...9_800))
                accounts.append([
                    .text(account), .text("H\(index / 100)"), .integer(Int64(index % 100 / 25 + 1)),
                    .text("\(index % 100 + 1)"),
                    .integer(area), .integer(Int64(random.int(1...5))), .text("Плательщик \(index + 1)"),
                ])
                for service in 0..<services {
                    links.append([.integer(Int64(service + 1)), .text(account)])
                    if calculation(of: service) == "supplied" {
                        let volume = Int64(random.int(1_000...9_000))
                        let tariff = Int64(1_000 + service * 137)
                        postings.append(
                            Posting(
                                account: account, principalId: Int64(service + 1), serviceCode: "S\(service)",
                                period: period,
                                kind: .charge,
                                amount: Money.charge(volumeMilli: volume, tariff: Money(kopecks: tariff)),
                                volumeMilli: volume, tariff: Money(kopecks: tariff), countsFrom: period.firstDay,
                                source: .unsourced))
                    }
                }
                if index % 10 == 0 {
                    postings.append(
                        Posting(
                            account: account, principalId: Int64(services), serviceCode: "S\(services - 1)",
                            period: period,
                            kind: .opening, amount: Money(kopecks: Int64(random.int(1_000...500_000))),
                            countsFrom: period.firstDay, forPeriod: period.previous.previous.previous,
                            source: .unsourced))
                }
            }
            try connection.withTransaction {
                try connection.bulkInsert(
                    into: "houses",
                    columns: ["code", "postal_code", "city", "street", "number"]
                        + (commonProperty
                            ? ["common_area_centi", "premises_area_centi", "management", "common_method"] : []),
                    rows: houses)
                try connection.bulkInsert(
                    into: "house_norms", columns: ["house_code", "resource", "norm_micro"], rows: norms)
                try connection.bulkInsert(
                    into: "house_meters",
                    columns: [
                        "principal_id", "serial", "house_code", "service_code", "resource", "digits", "installed_on",
                        "verified_until", "initial_reading_milli",
                    ], rows: meters)
                try connection.bulkInsert(
                    into: "house_readings",
                    columns: [
                        "principal_id", "meter_serial", "house_code", "value_milli", "taken_on", "period", "channel",
                        "received_at", "consumption_milli",
                    ], rows: readings)
                try connection.bulkInsert(
                    into: "accounts",
                    columns: [
                        "number", "house_code", "entrance", "apartment", "area_centi", "residents", "owner_name",
                    ],
                    rows: accounts)
                try connection.bulkInsert(
                    into: "principal_accounts", columns: ["principal_id", "account_number"], rows: links)
                try PostingWriter(connection: connection).append(postings)
            }
            start = end
            progress.update(end)
        }
        progress.finish()
        // PostgreSQL plans the billing queries from statistics.
        if case .postgres = connection.dialect { try connection.execute("ANALYZE") }
    }
}
