public import Core
import Principals

/// A deterministic synthetic region: houses on real-sounding streets of Chelyabinsk, premises
/// with personal accounts and owners, 46 principals with valid requisites, their services,
/// tariffs and meters, and one month of charges. Written as the principals' own exchange files,
/// identical byte for byte for the same seed, premises count and period.
public struct DemoRegion: Sendable {
    public var premisesCount: Int
    public var seed: UInt64
    public var period: BillingPeriod

    public init(premisesCount: Int, seed: UInt64, period: BillingPeriod) {
        self.premisesCount = premisesCount
        self.seed = seed
        self.period = period
    }

    struct House {
        var code: String
        var street: String
        var postalCode: String
        var number: String
        var hasGas: Bool
        var index = 0
        /// The total area of its premises, hundredths of m².
        var areaCenti: Int64 = 0
        /// Its residents and premises, for the house meters' volumes.
        var residents = 0
        var premises = 0

        var record: Core.House {
            Core.House(code: code, postalCode: postalCode, city: "Челябинск", street: street, number: number)
        }

        /// How its common property (СОИ) is billed: a house of each of the law's cases, one in ten
        /// of each: direct management; by the norm without a house meter (two in ten); by the norm
        /// with a house meter (three); the owners' decision to pay by the house meter month by
        /// month, with more than the premises used, and with less (a negative volume carried
        /// forward); their decision of the monthly average; and none sent.
        enum CommonKind: Sendable, Equatable {
            case direct, norm, meteredNorm, monthly, monthlyNegative, average, none
        }

        var commonKind: CommonKind {
            switch index % 10 {
            case 0: .direct
            case 1, 2: .norm
            case 3, 4, 5: .meteredNorm
            case 6: .monthly
            case 7: .monthlyNegative
            case 8: .average
            default: .none
            }
        }

        var hasHouseMeters: Bool { [.meteredNorm, .monthly, .monthlyNegative, .average].contains(commonKind) }

        /// The house as `principal`'s accounts file gives it: with its common-property data from
        /// the organisation that manages it, or under direct management from the water utility
        /// and the electricity supplier, each with its own resource's norm.
        func record(for principal: DemoPrincipal) -> Core.House {
            var house = record
            let common = areaCenti * 12 / 100
            switch (commonKind, principal.kind) {
            case (.direct, .water), (.direct, .electricity):
                // Each supplier its own resource's norm.
                house.commonProperty = CommonProperty(
                    commonAreaCenti: common, premisesAreaCenti: areaCenti, management: .direct,
                    normsMicro: principal.kind == .water ? [.coldWater: 31_200] : [.electricity: 1_240_000])
            case (.norm, .management), (.meteredNorm, .management), (.monthly, .management),
                (.monthlyNegative, .management), (.average, .management):
                let method: CommonProperty.Method =
                    switch commonKind {
                    case .monthly, .monthlyNegative: .meter
                    case .average: .average
                    default: .norm
                    }
                house.commonProperty = CommonProperty(
                    commonAreaCenti: common, premisesAreaCenti: areaCenti, management: .organisation, method: method,
                    normsMicro: [.coldWater: 31_200, .hotWater: 29_800, .electricity: 1_240_000])
            default: break
            }
            return house
        }

        /// What its house meter of `resource` shows for a month: the premises' usual volumes,
        /// more for the common property, or less where the premises used more than it shows.
        func houseMeterVolume(_ resource: Service.Resource) -> Int64 {
            let own: Int64 =
                resource == .coldWater
                ? Int64(residents) * 3_350 : (Int64(premises) * 100 + Int64(residents) * 50) * 1_000
            let percent: Int64 =
                switch commonKind {
                case .monthly: 150
                case .monthlyNegative: 60
                default: 110
                }
            return own * percent / 100
        }
    }

    struct Flat {
        var account: String
        var house: Int
        var entrance: Int
        var apartment: Int
        var areaCenti: Int64
        var residents: Int
        var owner: String

        /// The account as a number, for seeding this premises' random values.
        var key: UInt64 { account.utf8.reduce(0) { $0 &* 10 &+ UInt64($1 &- 48) } }

        /// One premises in five has a two-zone (day/night) electricity meter.
        var hasTwoZoneMeter: Bool { key % 5 == 2 }

        func record(houseCode: String, principal: DemoPrincipal) throws -> Premises {
            var premises = Premises(
                account: try PersonalAccountNumber(account), houseCode: houseCode, entrance: entrance,
                apartment: String(apartment), areaCenti: areaCenti, residents: residents, ownerName: owner,
                principalAccount: principal.kind == .electricity ? "ЭС-\(account.suffix(7))" : nil)
            // The management company knows who chose the ЕПД by e-mail: one premises in eight,
            // one in twenty-four both ways.
            if principal.kind == .management, key % 8 == 3 {
                premises.delivery = DeliveryConsent(
                    account: account, delivery: key % 3 == 0 ? .both : .email,
                    email: "ls\(account)@mail.erc-demo.example", consentedOn: .clamped(2026, 9, 1), source: "")
            }
            return premises
        }
    }

    /// Generates the houses and premises.
    func layout() -> (houses: [House], flats: [Flat]) {
        var random = SeededRandom(seed: seed)
        var houses: [House] = []
        var flats: [Flat] = []
        var numbersUsed: Set<String> = []
        while flats.count < premisesCount {
            let index = houses.count
            var street = random.pick(DemoNames.streets)
            var number = String(random.int(1...180))
            var tries = 0
            while !numbersUsed.insert(street.street + number).inserted {
                tries += 1
                street = random.pick(DemoNames.streets)
                // A big region runs out of plain numbers: then buildings (корпус) of one number.
                number = tries < 20 ? String(random.int(1...180)) : "\(random.int(1...180)) к\(tries / 20 + 1)"
            }
            houses.append(
                House(
                    code: "H\(pad(index + 1, 5))", street: street.street, postalCode: street.postalCode,
                    number: number, hasGas: random.int(0...1) == 0, index: index))
            let size = min(random.int(1...4) * 9, premisesCount - flats.count)
            let district = 1 + index % 7
            for apartment in 1...size {
                let sequence = flats.count + 1
                flats.append(
                    Flat(
                        account: pad(district, 2) + pad(sequence, 8), house: index, entrance: (apartment - 1) / 9 + 1,
                        apartment: apartment, areaCenti: Int64(random.int(2800...9800)), residents: random.int(1...5),
                        owner: DemoNames.person(&random)))
                houses[index].areaCenti += flats[flats.count - 1].areaCenti
                houses[index].residents += flats[flats.count - 1].residents
                houses[index].premises += 1
            }
        }
        return (houses, flats)
    }

    /// The files written, in the order they must be imported.
    public struct Files: Sendable {
        public var principals: [String] = []
        public var accounts: [String] = []
        public var meters: [String] = []
        public var tariffs: [String] = []
        public var readings: [String] = []
        public var charges: [String] = []
        /// Payments customers made in the period for the debts carried into it, to be recorded
        /// as they would arrive from a bank.
        public var payments: [DemoPayment] = []
        public var houseCount = 0
        public var premisesCount = 0
        public var principalCount = 0
        public var all: [String] { principals + accounts + meters + tariffs + readings + charges }
    }

    /// Writes every principal's onboarding, accounts, meters, tariffs and charges file into
    /// `directory`.
    public func write(to directory: String) throws -> Files {
        let (houses, flats) = layout()
        let principals = try DemoPrincipal.roster()
        let createdAt = "\(period.next.firstDay)T00:00:00+05:00"
        var files = Files(houseCount: houses.count, premisesCount: flats.count, principalCount: principals.count)
        for principal in principals {
            let served = flats.filter { principal.serves(houses[$0.house], $0.house) }
            let inn = principal.inn.value
            func header(_ id: String) -> ExchangeHeader {
                ExchangeHeader(principalINN: inn, period: period, fileId: id, createdAt: createdAt)
            }

            let onboarding = try PrincipalFileWriter(
                path: "\(directory)/principal-\(inn).xml", header: header("P-\(inn)-1"),
                principal: principal.record, agreement: principal.agreement)
            for service in principal.services {
                try onboarding.add(
                    Service(
                        code: service.code, name: service.name, unit: service.unit, calculation: service.calculation,
                        normMilli: service.normMilli, resource: service.resource,
                        paymentDueDay: service.paymentDueDay))
            }
            try onboarding.finish()
            files.principals.append(onboarding.path)

            let registry = try AccountsFileWriter(
                path: "\(directory)/accounts-\(inn).xml", header: header("A-\(inn)-1"))
            for index in Set(served.map(\.house)).sorted() {
                try registry.add(houses[index].record(for: principal))
            }
            for flat in served {
                try registry.add(flat.record(houseCode: houses[flat.house].code, principal: principal))
            }
            // Some premises carry a debt (or an advance) into the period, some of it months old;
            // half of the debtors pay part of it during the period.
            for flat in served {
                var random = SeededRandom(seed: seed ^ 0xBA1A ^ flat.key)
                guard random.int(0...9) == 0, let service = principal.services.first else { continue }
                var amount = Int64(random.int(-20_000...350_000))
                if amount == 0 { amount = 100 }
                let age = random.int(0...2) == 0 ? random.int(2...8) : 1
                var since = period
                for _ in 0..<age { since = since.previous }
                try registry.add(
                    OpeningBalance(
                        account: try PersonalAccountNumber(flat.account), serviceCode: service.code,
                        amount: Money(kopecks: amount), since: age == 1 ? nil : since))
                if amount > 0, random.int(0...1) == 0 {
                    files.payments.append(
                        DemoPayment(
                            operationId: "\(inn)-\(flat.account)-\(period)", account: flat.account,
                            amount: Money(kopecks: max(100, amount * Int64(random.int(20...100)) / 100)),
                            paidOn: period.day(random.int(1...28))))
                }
            }
            // A privilege for one resident of one premises in twenty, on the metered services.
            for flat in served {
                var random = SeededRandom(seed: seed ^ 0x1E6A ^ flat.key)
                guard random.int(0...19) == 0 else { continue }
                for service in principal.services where service.calculation == .metered {
                    try registry.add(
                        Privilege(
                            account: try PersonalAccountNumber(flat.account), serviceCode: service.code,
                            category: random.int(0...1) == 0 ? "VETERAN" : "DISABLED", residents: 1, percent: 50,
                            from: .clamped(2026, 1, 1)))
                }
            }
            // One premises in twenty-five: a veteran's privilege within a social norm of area (33 m²)
            // on the per-area services, and a fixed sum a month off the fixed ones.
            for flat in served {
                var random = SeededRandom(seed: seed ^ 0x50C1_A1 ^ flat.key)
                guard random.int(0...24) == 0 else { continue }
                for service in principal.services where [.perArea, .fixed].contains(service.calculation) {
                    let fixed = service.calculation == .fixed
                    try registry.add(
                        Privilege(
                            account: try PersonalAccountNumber(flat.account), serviceCode: service.code,
                            category: fixed ? "LOW-INCOME" : "VETERAN", residents: 1, percent: fixed ? 0 : 50,
                            areaNormCenti: fixed ? nil : 3_300, fixedAmount: fixed ? Money(kopecks: 3_000) : nil,
                            from: .clamped(2026, 1, 1)))
                }
            }
            try registry.finish()
            files.accounts.append(registry.path)

            let meters = try MetersFileWriter(path: "\(directory)/meters-\(inn).xml", header: header("M-\(inn)-1"))
            for flat in served {
                for (serviceIndex, service) in principal.services.enumerated()
                where service.metersOn(flat) {
                    guard let prefix = service.meterPrefix else { continue }
                    var random = SeededRandom(
                        seed: seed ^ UInt64(serviceIndex + 1) &* 0x51ED_27 ^ flat.key)
                    let installed = CalendarDate.clamped(
                        random.int(2019...2025), random.int(1...12), random.int(1...28))
                    let verified = CalendarDate.clamped(
                        installed.year + service.verificationYears, installed.month, installed.day)
                    try meters.add(
                        Meter(
                            serial: "\(prefix)\(flat.account)",
                            account: try PersonalAccountNumber(flat.account),
                            principalINN: inn, serviceCode: service.code, digits: service.unit == "кВт·ч" ? 6 : 5,
                            installedOn: installed, verifiedUntil: verified,
                            initialReadingMilli: Int64(random.int(0...900)) * 1_000))
                }
            }
            // The house meters (ОДПУ) of cold water and electricity, registered by their suppliers.
            if let meterService = Self.houseMeterService(of: principal) {
                for index in Set(served.map(\.house)).sorted() where houses[index].hasHouseMeters {
                    try meters.add(
                        HouseMeter(
                            serial: "ODPU-\(meterService.code)-\(houses[index].code)", houseCode: houses[index].code,
                            serviceCode: meterService.code, digits: 8, installedOn: .clamped(2024, 1, 15),
                            verifiedUntil: .clamped(2030, 1, 15), initialReadingMilli: 10_000_000))
                }
            }
            try meters.finish()
            files.meters.append(meters.path)

            let tariffs = try TariffsFileWriter(path: "\(directory)/tariffs-\(inn).xml", header: header("T-\(inn)-1"))
            for service in principal.services {
                // The tariff indexed on 1 July 2026, with the one before it.
                let earlier = Money.rounded(numerator: service.tariff * 100, denominator: 111)
                var earlierComponent = service.component
                earlierComponent?.price = Money.rounded(
                    numerator: (service.component?.price.kopecks ?? 0) * 100, denominator: 111)
                try tariffs.add(
                    Tariff(
                        serviceCode: service.code, effectiveFrom: .clamped(2025, 7, 1), price: earlier,
                        component: earlierComponent))
                try tariffs.add(
                    Tariff(
                        serviceCode: service.code, effectiveFrom: .clamped(2026, 7, 1),
                        price: Money(kopecks: service.tariff), component: service.component))
            }
            try tariffs.finish()
            files.tariffs.append(tariffs.path)

            if principal.services.contains(where: { $0.calculation == .metered }) {
                files.readings.append(
                    try writeReadings(principal, served, houses, header: header("R-\(inn)-\(period)"), to: directory))
            }

            let charges = try ChargesFileWriter(
                path: "\(directory)/charges-\(inn)-\(period).xml", header: header("C-\(inn)-\(period)"))
            for flat in served {
                let account = try PersonalAccountNumber(flat.account)
                for (serviceIndex, service) in principal.services.enumerated() where service.calculation == .supplied {
                    var random = SeededRandom(
                        seed: seed ^ UInt64(serviceIndex + 101) &* 0x9E37 ^ flat.key ^ UInt64(period.index)
                    )
                    let volume = service.volume(flat, houses[flat.house], &random)
                    guard volume > 0 else { continue }
                    let tariff = Money(kopecks: service.tariff)
                    try charges.add(
                        Charge(
                            account: account, principalINN: inn, serviceCode: service.code, period: period,
                            volumeMilli: volume, tariff: tariff,
                            amount: Money.charge(volumeMilli: volume, tariff: tariff)))
                    // Now and then a correction of the month before: readings came late.
                    if random.int(0...39) == 0 {
                        try charges.add(
                            Recalculation(
                                account: account, serviceCode: service.code, forPeriod: period.previous,
                                amount: Money(kopecks: Int64(random.int(-30_000...30_000)) | 1),
                                reason: "Перерасчёт по показаниям прибора учёта"))
                    }
                }
            }
            try charges.finish()
            files.charges.append(charges.path)
        }
        return files
    }
}

/// A payment of the demo region: a customer paying part of a debt during the period.
public struct DemoPayment: Sendable, Hashable {
    public var operationId: String
    public var account: String
    public var amount: Money
    public var paidOn: CalendarDate
}

extension DemoRegion {
    /// The readings the principal's customers sent over the last seven months, taken on the
    /// 20th: most premises send every month; one in eight stopped a month or two ago (billed on
    /// the average), one in twenty-five half a year ago (billed on the norm).
    func writeReadings(
        _ principal: DemoPrincipal, _ served: [Flat], _ houses: [House], header: ExchangeHeader, to directory: String
    ) throws -> String {
        let file = try ReadingsFileWriter(
            path: "\(directory)/readings-\(principal.inn.value)-\(period).xml", header: header)
        for flat in served {
            for (serviceIndex, service) in principal.services.enumerated()
            where service.calculation == .metered && service.metersOn(flat) {
                guard let prefix = service.meterPrefix else { continue }
                var meterRandom = SeededRandom(
                    seed: seed ^ UInt64(serviceIndex + 1) &* 0x51ED_27 ^ flat.key)
                _ = (meterRandom.int(2019...2025), meterRandom.int(1...12), meterRandom.int(1...28))
                var value = Int64(meterRandom.int(0...900)) * 1_000
                var random = SeededRandom(seed: seed ^ 0x8EAD ^ UInt64(serviceIndex + 7) &* 31 ^ flat.key)
                let stop = random.int(0...99)
                let lastSent = stop < 4 ? 6 : stop < 16 ? random.int(1...2) : 0
                var month = period
                for _ in 0..<6 { month = month.previous }
                for back in stride(from: 6, through: 0, by: -1) {
                    defer { month = month.next }
                    value += service.volume(flat, houses[flat.house], &random)
                    guard back >= lastSent else { continue }
                    let capacity: Int64 = service.unit == "кВт·ч" ? 1_000_000_000 : 100_000_000
                    let taken = month.day(20)
                    try file.add(
                        MeterReading(
                            account: try PersonalAccountNumber(flat.account),
                            meterSerial: "\(prefix)\(flat.account)",
                            serviceCode: service.code, valueMilli: value % capacity, takenOn: taken,
                            channel: .principal,
                            receivedAt: "\(taken)T12:00:00+05:00"))
                }
            }
        }
        // The house meters' readings of the month before and of the period.
        if let service = Self.houseMeterService(of: principal), let resource = service.resource {
            for index in Set(served.map(\.house)).sorted() where houses[index].hasHouseMeters {
                let house = houses[index]
                for (back, month) in [(1, period.previous), (0, period)] {
                    let taken = month.day(20)
                    try file.add(
                        HouseMeterReading(
                            houseCode: house.code, meterSerial: "ODPU-\(service.code)-\(house.code)",
                            serviceCode: service.code,
                            valueMilli: 10_000_000 + house.houseMeterVolume(resource) * Int64(2 - back), takenOn: taken,
                            receivedAt: "\(taken)T12:00:00+05:00"))
                }
            }
        }
        try file.finish()
        return file.path
    }

    /// The service whose house meters a principal registers: the water utility's cold water and
    /// the electricity supplier's electricity.
    static func houseMeterService(of principal: DemoPrincipal) -> DemoService? {
        switch principal.kind {
        case .water: principal.services.first { $0.code == "CW" }
        case .electricity: principal.services.first { $0.code == "EL" }
        default: nil
        }
    }
}
