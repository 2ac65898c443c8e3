import Billing
import Core
import Demo
public import ERCTestSupport
import Intake
import Principals
public import Storage

/// Utilities for the common property (СОИ) billed over fourteen months, the same on every
/// driver, each case checked to the kopeck against a computation written here by hand.
///
/// Seven houses of two premises each (50 m² and 70 m², S_об = 120 m², S_ои = 30 m²), cold water
/// only: the norm of СОИ is 0.05 m³ per m² of common property a month and the tariff 40 roubles
/// per m³; each premises uses 5 m³ per resident a month (2 and 3 residents: the house 25 m³).
/// A management organisation (M) manages houses A to E and G and charges СОИ within "содержание";
/// house F is managed directly by its owners, so the water utility (W) charges it.
///
/// - A: no house meter: by the norm, month after month, never recalculated.
/// - B: a house meter that shows 330 m³ for 2026: 30 m³ of СОИ against the 18 m³ the norm billed,
///   recalculated from January 2027 in twelve equal parts.
/// - C: a house meter that shows 312 m³: 12 m³ of СОИ, less than the norm billed.
/// - D: the owners decided to pay by the house meter month by month; in January and February
///   the premises used more than the house meter shows: no СОИ, the negative volume carried
///   forward until March uses it up.
/// - E: the same decision, an ordinary month.
/// - F: direct management: the water utility charges the norm; the management organisation that
///   also serves it charges nothing, and the utility charges nothing in the houses M manages.
/// - G: the owners decided on the monthly average: the norm the first year (no year before), then
///   the year's volume by the house meter a twelfth a month, recalculated like B.
public enum CommonPropertyScenarios {
    static func expect(_ condition: Bool, _ message: String) throws {
        if !condition { throw RoundTripFailure(kind: "common property", message: message) }
    }

    static let start = BillingPeriod("2026-01")!
    static let accounts = (
        a: ("0100000101", "0100000102"), b: ("0100000201", "0100000202"), c: ("0100000301", "0100000302"),
        d: ("0100000401", "0100000402"), e: ("0100000501", "0100000502"), f: ("0100000601", "0100000602"),
        g: ("0100000701", "0100000702")
    )

    /// Writes and imports the world's files; returns the two principals' ids (M, W).
    @discardableResult
    public static func load(
        _ connection: any Connection, in folder: TemporaryDirectory
    ) throws -> (
        manager: Int64, water: Int64
    ) {
        try CenterBook(connection: connection).set(.demo, from: start.firstDay, source: "test")
        let importer = ExchangeImporter(
            connection: connection, readings: ReadingsFileRules(today: CalendarDate(iso: "2027-01-10")!))
        for file in try files(in: folder) { _ = try importer.importFile(at: file) }
        return (
            try connection.scalar("SELECT id FROM principals WHERE inn = ?", [try inn(0).value]),
            try connection.scalar("SELECT id FROM principals WHERE inn = ?", [try inn(1).value])
        )
    }

    static func inn(_ index: Int) throws -> INN {
        guard let inn = INN.completing("74510\(index)777") else {
            throw RoundTripFailure(kind: "common property", message: "no INN")
        }
        return inn
    }

    static func principal(_ index: Int, kind: Principal.Kind, name: String) throws -> Principal {
        let bic = try BIC("047501602")
        guard let corr = BankAccount.withKey("30101810700000000602", bic: bic),
            let account = BankAccount.withKey("4070281000000000000\(index + 1)", bic: bic),
            let ogrn = OGRN.completing("102740077\(index)00")
        else { throw RoundTripFailure(kind: "common property", message: "no requisites") }
        return Principal(
            inn: try inn(index), kpp: try KPP("745101001"), ogrn: ogrn, name: name, kind: kind,
            bankDetails: BankDetails(bankName: "ПАО СБЕРБАНК", bic: bic, correspondentAccount: corr, account: account),
            address: "г. Челябинск, ул. Кирова, д. \(index + 1)", phone: "+7 (351) 200-00-0\(index)")
    }

    /// The houses: code, the owners' decision, and who manages it.
    static let houses: [(code: String, method: CommonProperty.Method, management: CommonProperty.Management)] = [
        ("HA", .norm, .organisation), ("HB", .norm, .organisation), ("HC", .norm, .organisation),
        ("HD", .meter, .organisation), ("HE", .meter, .organisation), ("HF", .norm, .direct),
        ("HG", .average, .organisation),
    ]

    static func files(in folder: TemporaryDirectory) throws -> [String] {
        let manager = try principal(0, kind: .management, name: "ООО «УК Тест»")
        let water = try principal(1, kind: .water, name: "МУП «Водоканал Тест»")
        let agreement = AgencyAgreement(
            number: "АД-1", signedOn: .clamped(2025, 12, 1), effectiveFrom: start.firstDay, fee: .basisPoints(100),
            payoutSchedule: .monthly, payee: .center)
        var paths: [String] = []
        func header(_ principal: Principal, _ id: String) -> ExchangeHeader {
            ExchangeHeader(
                principalINN: principal.inn.value, period: start, fileId: id, createdAt: "2026-01-01T00:00:00+05:00")
        }
        let common = Service(
            code: "CWS", name: "Холодная вода на СОИ", unit: "м³", calculation: .commonProperty, resource: .coldWater)
        let services: [(Principal, [Service])] = [
            (manager, [common]),
            (
                water,
                [
                    Service(
                        code: "CW", name: "Холодное водоснабжение", unit: "м³", calculation: .perResident,
                        normMilli: 5_000, resource: .coldWater),
                    Service(
                        code: "CWD", name: "Холодная вода на СОИ", unit: "м³", calculation: .commonProperty,
                        resource: .coldWater),
                ]
            ),
        ]
        for (principal, list) in services {
            let onboarding = try PrincipalFileWriter(
                path: folder.file("principal-\(principal.inn.value).xml"), header: header(principal, "P1"),
                principal: principal, agreement: agreement)
            for service in list { try onboarding.add(service) }
            try onboarding.finish()
            let tariffs = try TariffsFileWriter(
                path: folder.file("tariffs-\(principal.inn.value).xml"), header: header(principal, "T1"))
            for service in list {
                try tariffs.add(
                    Tariff(serviceCode: service.code, effectiveFrom: start.firstDay, price: Money(kopecks: 4_000)))
            }
            try tariffs.finish()
            paths += [onboarding.path]
            paths.append(tariffs.path)
        }
        // The water utility registers every house, and house F's common-property data (direct
        // management); the management organisation the houses it manages, with theirs.
        for (principal, isManager) in [(water, false), (manager, true)] {
            let registry = try AccountsFileWriter(
                path: folder.file("accounts-\(principal.inn.value).xml"), header: header(principal, "A1"))
            for (index, house) in houses.enumerated() {
                var record = House(
                    code: house.code, postalCode: "454091", city: "Челябинск", street: "ул. Тестовая",
                    number: "\(index + 1)")
                if (house.management == .organisation) == isManager {
                    record.commonProperty = CommonProperty(
                        commonAreaCenti: 3_000, premisesAreaCenti: 12_000, management: house.management,
                        method: house.method, normsMicro: [.coldWater: 50_000])
                }
                try registry.add(record)
            }
            for (index, house) in houses.enumerated() {
                for (flat, area, residents) in [(1, Int64(5_000), 2), (2, Int64(7_000), 3)] {
                    try registry.add(
                        Premises(
                            account: try PersonalAccountNumber("0100000\(index + 1)0\(flat)"), houseCode: house.code,
                            entrance: 1, apartment: "\(flat)", areaCenti: area, residents: residents,
                            ownerName: "Собственник \(house.code)-\(flat)"))
                }
            }
            try registry.finish()
            paths.append(registry.path)
        }
        // Principals first, then accounts, then tariffs.
        paths =
            paths.filter { $0.contains("principal-") } + paths.filter { $0.contains("accounts-") }
            + paths.filter { $0.contains("tariffs-") }
        // The water utility's house meters on B to E, and their readings.
        let meters = try MetersFileWriter(path: folder.file("meters-water.xml"), header: header(water, "M1"))
        for code in ["HB", "HC", "HD", "HE", "HG"] {
            try meters.add(
                HouseMeter(
                    serial: "ODPU-\(code)", houseCode: code, serviceCode: "CW", digits: 6,
                    installedOn: .clamped(2025, 6, 1), verifiedUntil: .clamped(2031, 6, 1),
                    initialReadingMilli: 500_000))
        }
        try meters.finish()
        paths.append(meters.path)
        let readings = try ReadingsFileWriter(path: folder.file("readings-water.xml"), header: header(water, "R1"))
        let values: [(String, String, Int64)] = [
            // B and C: the readings the year's recalculation takes, at the end of 2025 and 2026.
            ("HB", "2025-12-20", 600_000), ("HB", "2026-12-20", 930_000),
            ("HC", "2025-12-20", 600_000), ("HC", "2026-12-20", 912_000),
            // D: 20, 27 and 33 m³ in January to March against the premises' 25 a month.
            ("HD", "2025-12-20", 600_000), ("HD", "2026-01-20", 620_000), ("HD", "2026-02-20", 647_000),
            ("HD", "2026-03-20", 680_000),
            // E: 37 m³ in January.
            ("HE", "2025-12-20", 600_000), ("HE", "2026-01-20", 637_000),
            // G, the owners' monthly average: the same year as B's.
            ("HG", "2025-12-20", 600_000), ("HG", "2026-12-20", 930_000),
        ]
        for (house, day, value) in values {
            try readings.add(
                HouseMeterReading(
                    houseCode: house, meterSerial: "ODPU-\(house)", serviceCode: "CW", valueMilli: value,
                    takenOn: CalendarDate(iso: day)!, receivedAt: "\(day)T12:00:00+05:00"))
        }
        try readings.finish()
        paths.append(readings.path)
        return paths
    }

    /// Files that break the rules of common-property data: each refused with the element at
    /// fault, storing nothing; and a supplier's norms that leave another supplier's as they are.
    public static func checkRefusals(on connection: any Connection, in folder: TemporaryDirectory) throws {
        let (_, water) = try load(connection, in: folder)
        let manager = try principal(0, kind: .management, name: "ООО «УК Тест»")
        let utility = try principal(1, kind: .water, name: "МУП «Водоканал Тест»")
        let tables = ["houses", "house_norms", "house_meters", "house_readings"]
        func counts() throws -> [Int64] {
            try tables.map { try connection.scalar("SELECT COUNT(*) FROM \($0)") }
                + [try connection.scalar("SELECT COUNT(*) FROM houses WHERE common_area_centi IS NOT NULL")]
        }
        func refused(_ path: String, _ element: String, _ reason: String) throws {
            let before = try counts()
            do {
                _ = try ExchangeImporter(
                    connection: connection, readings: ReadingsFileRules(today: CalendarDate(iso: "2027-01-10")!)
                ).importFile(at: path)
                throw RoundTripFailure(kind: "common property", message: "\(path) was accepted")
            } catch let error as ImportError {
                try expect(
                    error.problems.contains { $0.element == element && $0.reason.contains(reason) },
                    "\(path): \(error.problems)")
            }
            try expect(try counts() == before, "\(path) stored something")
        }
        func header(_ principal: Principal, _ id: String) -> ExchangeHeader {
            ExchangeHeader(
                principalINN: principal.inn.value, period: start, fileId: id, createdAt: "2026-01-02T00:00:00+05:00")
        }
        func accounts(_ name: String, _ principal: Principal, _ house: String, _ data: CommonProperty) throws -> String
        {
            let file = try AccountsFileWriter(path: folder.file(name), header: header(principal, name))
            var record = House(
                code: house, postalCode: "454091", city: "Челябинск", street: "ул. Тестовая",
                number: "\(house == "HA" ? 1 : 6)")
            record.commonProperty = data
            try file.add(record)
            try file.finish()
            return file.path
        }
        let norms: [Service.Resource: Int64] = [.coldWater: 50_000]
        // A water utility cannot manage a house, nor change one an organisation manages.
        try refused(
            try accounts(
                "a-organisation.xml", utility, "HA",
                CommonProperty(
                    commonAreaCenti: 3_000, premisesAreaCenti: 12_000, management: .organisation, normsMicro: norms)),
            "management", "only a management organisation manages a house")
        try refused(
            try accounts(
                "a-over.xml", utility, "HA",
                CommonProperty(
                    commonAreaCenti: 3_000, premisesAreaCenti: 12_000, management: .direct, normsMicro: norms)),
            "management", "managed by an organisation")
        // Premises of less than the house's premises add up to (50 + 70 m²).
        try refused(
            try accounts(
                "a-small.xml", manager, "HA",
                CommonProperty(
                    commonAreaCenti: 3_000, premisesAreaCenti: 10_000, management: .organisation, normsMicro: norms)),
            "premisesArea", "less than the house's premises add up to, 120.00 m²")
        // A norm past the ceiling; a norm of what the supplier does not supply.
        try refused(
            try accounts(
                "a-norm.xml", manager, "HA",
                CommonProperty(
                    commonAreaCenti: 3_000, premisesAreaCenti: 12_000, management: .organisation,
                    normsMicro: [.coldWater: 999_999_999_999])),
            "commonNormColdWater", "more than 100 units")
        try refused(
            try accounts(
                "a-foreign.xml", utility, "HF",
                CommonProperty(
                    commonAreaCenti: 3_000, premisesAreaCenti: 12_000, management: .direct,
                    normsMicro: [.coldWater: 50_000, .electricity: 1_000_000])),
            "management", "norms of electricity: this principal supplies none of them")
        // A house meter with readings stays on its house.
        let meters = try MetersFileWriter(path: folder.file("m-move.xml"), header: header(utility, "M-move"))
        try meters.add(
            HouseMeter(
                serial: "ODPU-HB", houseCode: "HC", serviceCode: "CW", digits: 6, installedOn: .clamped(2025, 6, 1),
                verifiedUntil: .clamped(2031, 6, 1), initialReadingMilli: 500_000))
        try meters.finish()
        try refused(meters.path, "house", "the house meter has readings from 2025-12-20: its house stays HB")
        // A house reading below the one before it.
        let readings = try ReadingsFileWriter(path: folder.file("r-below.xml"), header: header(utility, "R-below"))
        try readings.add(
            HouseMeterReading(
                houseCode: "HD", meterSerial: "ODPU-HD", serviceCode: "CW", valueMilli: 610_000,
                takenOn: .clamped(2026, 2, 21), receivedAt: "2026-02-21T12:00:00+05:00"))
        try readings.finish()
        try refused(readings.path, "value", "below the previous reading")
        try expect(water > 0, "no water utility")
    }

    /// Bills `period` as of the first day after it, then closes it.
    static func billAndClose(_ connection: any Connection, _ period: BillingPeriod) throws {
        _ = try BillingRun(database: Database(connection.location), period: period, asOf: period.next.firstDay).run()
        try PeriodLock(connection: connection).close(period)
    }

    /// A premises' posted sum and volume of a principal's service and kind in a period.
    static func posted(
        _ connection: any Connection, _ account: String, _ principal: Int64, _ service: String, _ kind: String,
        _ period: BillingPeriod
    ) throws -> (amount: Int64, volume: Int64) {
        let row = try connection.one(
            """
            SELECT COALESCE(SUM(amount), 0), COALESCE(SUM(volume_milli), 0) FROM postings
            WHERE account_number = ? AND principal_id = ? AND service_code = ? AND kind = ? AND period = ?
            """, [account, principal, service, kind, period])
        return (try row.int64(0), try row.int64(1))
    }

    public static func run(on connection: any Connection, in folder: TemporaryDirectory) throws {
        let (manager, water) = try load(connection, in: folder)
        var period = start
        while period <= BillingPeriod("2027-02")! {
            try billAndClose(connection, period)
            period = period.next
        }
        let january = start
        func charge(
            _ account: String, _ period: BillingPeriod, by principal: Int64? = nil, _ service: String = "CWS"
        )
            throws -> (amount: Int64, volume: Int64)
        {
            try posted(connection, account, principal ?? manager, service, "charge", period)
        }
        func recalculation(_ account: String, _ period: BillingPeriod) throws -> (amount: Int64, volume: Int64) {
            try posted(connection, account, manager, "CWS", "recalculation", period)
        }

        // A, by the norm: 0.05 × 30 × 50 / 120 = 0.625 m³ × 40 = 25.00; 0.05 × 30 × 70 / 120 =
        // 0.875 m³ × 40 = 35.00, every month; nothing recalculated in 2027 (no house meter).
        for period in [january, BillingPeriod("2026-07")!, BillingPeriod("2027-01")!] {
            let (first, second) = (try charge(accounts.a.0, period), try charge(accounts.a.1, period))
            try expect(first == (2_500, 625) && second == (3_500, 875), "A \(period): \(first), \(second)")
        }
        try expect(try recalculation(accounts.a.0, BillingPeriod("2027-01")!) == (0, 0), "A was recalculated")

        // B: the house meter 930 - 600 = 330 m³ in 2026, the premises 12 × 25 = 300: 30 m³ of СОИ
        // against 12 × 1.5 = 18 billed. Premises 1: 30 × 50 / 120 = 12.5 m³ for 7.5 billed at
        // 300.00: 300.00 × 12.5 / 7.5 - 300.00 = 200.00 in twelve parts from January 2027: 16.67
        // eight times, then 16.66; 5 m³ as 0.417 eight times, then 0.416. Premises 2: 17.5 m³ for
        // 10.5 at 420.00: 280.00, 23.34 four times, then 23.33.
        for (month, first, second) in [("2027-01", 1_667, 2_334), ("2027-02", 1_667, 2_334)] {
            let period = BillingPeriod(month)!
            let (one, two) = (try recalculation(accounts.b.0, period), try recalculation(accounts.b.1, period))
            try expect(one == (Int64(first), 417) && two == (Int64(second), 584), "B \(month): \(one), \(two)")
        }
        // The norm goes on in 2027 beside the recalculation.
        try expect(try charge(accounts.b.0, BillingPeriod("2027-01")!) == (2_500, 625), "B's norm in 2027")
        // C: 912 - 600 = 312 m³, 12 of СОИ: premises 1 5 m³ for 7.5 billed, 300.00 × 5 / 7.5 -
        // 300.00 = -100.00 (-8.34 four times, then -8.33); premises 2 7 m³, -140.00 (-11.67
        // eight times, then -11.66).
        let c1 = try recalculation(accounts.c.0, BillingPeriod("2027-01")!)
        let c2 = try recalculation(accounts.c.1, BillingPeriod("2027-01")!)
        try expect(c1 == (-834, -209) && c2 == (-1_167, -292), "C January 2027: \(c1), \(c2)")
        let year = try connection.one(
            """
            SELECT meter_milli, individual_milli, common_milli, carried_out_milli, billed_common_milli, first_period
            FROM house_volumes WHERE house_code = 'HC' AND resource = 'cold-water' AND period = '2026-12' AND basis = 'year'
            """)
        try expect(
            try [year.int64(0), year.int64(1), year.int64(2), year.int64(3), year.int64(4)]
                == [312_000, 300_000, 12_000, 0, 18_000] && (try year.string(5)) == "2027-01",
            "C's year: \(year.values)")

        // D, monthly by the house meter: January 20 - 25 = -5 m³, nothing, -5 carried; February
        // 27 - 25 - 5 = -3, nothing, -3 carried; March 33 - 25 - 3 = 5 m³: 5 × 50 / 120 = 2.083
        // m³ × 40 = 83.32 and 5 × 70 / 120 = 2.917 m³ × 40 = 116.68.
        for month in ["2026-01", "2026-02"] {
            let period = BillingPeriod(month)!
            try expect(
                try charge(accounts.d.0, period) == (0, 0) && charge(accounts.d.1, period) == (0, 0),
                "D \(month) was charged")
        }
        let carried = try connection.all(
            """
            SELECT period, carried_out_milli, common_milli FROM house_volumes
            WHERE house_code = 'HD' AND basis = 'month' AND period <= '2026-03' ORDER BY period
            """
        ).map { "\(try $0.string(0)) \(try $0.int64(1)) \(try $0.int64(2))" }
        try expect(carried == ["2026-01 -5000 0", "2026-02 -3000 0", "2026-03 0 5000"], "D carried: \(carried)")
        let march = BillingPeriod("2026-03")!
        let (d1, d2) = (try charge(accounts.d.0, march), try charge(accounts.d.1, march))
        try expect(d1 == (8_332, 2_083) && d2 == (11_668, 2_917), "D March: \(d1), \(d2)")
        // D's April has no reading: by the norm, and said so.
        try expect(try charge(accounts.d.0, BillingPeriod("2026-04")!) == (2_500, 625), "D April by the norm")

        // E: 37 - 25 = 12 m³: 5 m³ × 40 = 200.00 and 7 m³ = 280.00.
        let (e1, e2) = (try charge(accounts.e.0, january), try charge(accounts.e.1, january))
        try expect(e1 == (20_000, 5_000) && e2 == (28_000, 7_000), "E January: \(e1), \(e2)")

        // F, direct management: the water utility charges the norm, the organisation nothing; and
        // the utility nothing in A.
        let f1 = try charge(accounts.f.0, january, by: water, "CWD")
        try expect(f1 == (2_500, 625), "F by the supplier: \(f1)")
        try expect(try charge(accounts.f.0, january) == (0, 0), "the organisation charged F")
        try expect(try charge(accounts.a.0, january, by: water, "CWD") == (0, 0), "the supplier charged A")

        // G, the owners' decision of the monthly average: 2026 by the norm (no year before),
        // recalculated as B; from January 2027 the year's 30 m³ / 12 a month shared by area:
        // 30 × 50 / 120 / 12 = 1.042 m³ × 40 = 41.68.
        let g2026 = try charge(accounts.g.0, BillingPeriod("2026-06")!)
        let g2027 = try charge(accounts.g.0, BillingPeriod("2027-01")!)
        try expect(g2026 == (2_500, 625) && g2027 == (4_168, 1_042), "G: \(g2026), \(g2027)")
        try expect(
            try recalculation(accounts.g.0, BillingPeriod("2027-01")!) == (1_667, 417), "G's recalculation of 2026")

        // The ЕПД's house figures: January in E, the house meter 37, own 25, СОИ 12.
        let figures = try connection.one(
            """
            SELECT meter_milli, billed_individual_milli, billed_common_milli FROM house_volumes
            WHERE house_code = 'HE' AND resource = 'cold-water' AND period = '2026-01' AND basis = 'month'
            """)
        try expect(
            try [figures.int64(0), figures.int64(1), figures.int64(2)] == [37_000, 25_000, 12_000],
            "E's figures: \(figures.values)")
        // A re-run of an open period posts nothing, and the books balance.
        let again = try BillingRun(
            database: Database(connection.location), period: BillingPeriod("2027-03")!, asOf: .clamped(2027, 4, 1)
        ).run()
        let rerun = try BillingRun(
            database: Database(connection.location), period: BillingPeriod("2027-03")!, asOf: .clamped(2027, 4, 1)
        ).run()
        try expect(again.postingsAdded > 0 && rerun.postingsAdded == 0, "a re-run posted \(rerun.postingsAdded)")
        let imbalances = try ReceivablesLedger(database: Database(connection.location)).check(
            period: BillingPeriod("2027-03")!)
        try expect(imbalances.isEmpty, "the books do not balance: \(imbalances)")
    }
}
