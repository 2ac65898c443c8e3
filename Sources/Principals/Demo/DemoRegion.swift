public import Core

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

        var record: Core.House {
            Core.House(code: code, postalCode: postalCode, city: "Челябинск", street: street, number: number)
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

        func record(houseCode: String, principal: DemoPrincipal) throws -> Premises {
            Premises(
                account: try PersonalAccountNumber(account), houseCode: houseCode, entrance: entrance,
                apartment: String(apartment), areaCenti: areaCenti, residents: residents, ownerName: owner,
                principalAccount: principal.kind == .electricity ? "ЭС-\(account.suffix(7))" : nil)
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
                    number: number, hasGas: random.int(0...1) == 0))
            let size = min(random.int(1...4) * 9, premisesCount - flats.count)
            let district = 1 + index % 7
            for apartment in 1...size {
                let sequence = flats.count + 1
                flats.append(
                    Flat(
                        account: pad(district, 2) + pad(sequence, 8), house: index, entrance: (apartment - 1) / 9 + 1,
                        apartment: apartment, areaCenti: Int64(random.int(2800...9800)), residents: random.int(1...5),
                        owner: DemoNames.person(&random)))
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
        public var charges: [String] = []
        public var houseCount = 0
        public var premisesCount = 0
        public var principalCount = 0
        public var all: [String] { principals + accounts + meters + tariffs + charges }
    }

    /// Writes every principal's onboarding, accounts, meters, tariffs and charges file into
    /// `directory`.
    public func write(to directory: String) throws -> Files {
        let (houses, flats) = layout()
        let principals = DemoPrincipal.roster()
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
                try onboarding.add(Service(code: service.code, name: service.name, unit: service.unit))
            }
            try onboarding.finish()
            files.principals.append(onboarding.path)

            let registry = try AccountsFileWriter(path: "\(directory)/accounts-\(inn).xml", header: header("A-\(inn)-1"))
            for index in Set(served.map(\.house)).sorted() {
                try registry.add(houses[index].record)
            }
            for flat in served {
                try registry.add(flat.record(houseCode: houses[flat.house].code, principal: principal))
            }
            // Some premises carry a debt (or an advance) into the period.
            for flat in served {
                var random = SeededRandom(seed: seed ^ 0xBA1A ^ UInt64(flat.account)!)
                guard random.int(0...9) == 0, let service = principal.services.first else { continue }
                let amount = Int64(random.int(-20_000...350_000))
                try registry.add(
                    OpeningBalance(
                        account: try PersonalAccountNumber(flat.account), serviceCode: service.code,
                        amount: Money(kopecks: amount == 0 ? 100 : amount)))
            }
            try registry.finish()
            files.accounts.append(registry.path)

            let meters = try MetersFileWriter(path: "\(directory)/meters-\(inn).xml", header: header("M-\(inn)-1"))
            for flat in served {
                for (serviceIndex, service) in principal.services.enumerated() where service.meterPrefix != nil {
                    var random = SeededRandom(seed: seed ^ UInt64(serviceIndex + 1) &* 0x51ED_27 ^ UInt64(flat.account)!)
                    let installed = CalendarDate(year: random.int(2019...2025), month: random.int(1...12), day: random.int(1...28))!
                    let verified = CalendarDate(
                        year: installed.year + service.verificationYears, month: installed.month, day: installed.day)!
                    try meters.add(
                        Meter(
                            serial: "\(service.meterPrefix!)\(flat.account)", account: try PersonalAccountNumber(flat.account),
                            principalINN: inn, serviceCode: service.code, digits: service.unit == "кВт·ч" ? 6 : 5,
                            installedOn: installed, verifiedUntil: verified,
                            initialReadingMilli: Int64(random.int(0...900)) * 1_000))
                }
            }
            try meters.finish()
            files.meters.append(meters.path)

            let tariffs = try TariffsFileWriter(path: "\(directory)/tariffs-\(inn).xml", header: header("T-\(inn)-1"))
            for service in principal.services {
                // The tariff indexed on 1 July 2026, with the one before it.
                let earlier = Money.rounded(numerator: service.tariff * 100, denominator: 111)
                try tariffs.add(Tariff(serviceCode: service.code, effectiveFrom: CalendarDate(iso: "2025-07-01")!, price: earlier))
                try tariffs.add(
                    Tariff(serviceCode: service.code, effectiveFrom: CalendarDate(iso: "2026-07-01")!, price: Money(kopecks: service.tariff)))
            }
            try tariffs.finish()
            files.tariffs.append(tariffs.path)

            let charges = try ChargesFileWriter(
                path: "\(directory)/charges-\(inn)-\(period).xml", header: header("C-\(inn)-\(period)"))
            for flat in served {
                let account = try PersonalAccountNumber(flat.account)
                for (serviceIndex, service) in principal.services.enumerated() {
                    var random = SeededRandom(
                        seed: seed ^ UInt64(serviceIndex + 101) &* 0x9E37 ^ UInt64(flat.account)! ^ UInt64(period.index))
                    let volume = service.volume(flat, houses[flat.house], &random)
                    guard volume > 0 else { continue }
                    let tariff = Money(kopecks: service.tariff)
                    try charges.add(
                        Charge(
                            account: account, principalINN: inn, serviceCode: service.code, period: period,
                            volumeMilli: volume, tariff: tariff, amount: Money.charge(volumeMilli: volume, tariff: tariff)))
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

func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

