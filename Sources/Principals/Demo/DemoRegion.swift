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
    }

    struct Flat {
        var account: String
        var house: Int
        var entrance: Int
        var apartment: Int
        var areaCenti: Int64
        var residents: Int
        var owner: String
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
            while !numbersUsed.insert(street.street + number).inserted {
                street = random.pick(DemoNames.streets)
                number = String(random.int(1...180))
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
        public var charges: [String] = []
        public var houseCount = 0
        public var premisesCount = 0
        public var principalCount = 0
        public var all: [String] { principals + accounts + charges }
    }

    /// Writes every principal's principal, accounts and charges file into `directory`.
    public func write(to directory: String) throws -> Files {
        let (houses, flats) = layout()
        let principals = DemoPrincipal.roster(seed: seed)
        let createdAt = "\(period.next.firstDay)T00:00:00+05:00"
        var files = Files(houseCount: houses.count, premisesCount: flats.count, principalCount: principals.count)
        for (number, principal) in principals.enumerated() {
            let served = flats.filter { principal.serves(houses[$0.house], $0.house) }
            let servedHouses = Set(served.map(\.house)).sorted()
            let inn = principal.inn.value

            let principalPath = "\(directory)/principal-\(inn).xml"
            let p = try ExchangeWriter(path: principalPath, root: ExchangeKind.principal.rootElement)
            try p.record("header", ["principalInn": inn, "fileId": "P-\(inn)-1", "createdAt": createdAt])
            let bank = principal.bank
            try p.record(
                "principal",
                [
                    "name": principal.name, "kind": principal.kind.rawValue, "inn": inn, "kpp": principal.kpp.value,
                    "ogrn": principal.ogrn.value, "address": principal.address, "phone": principal.phone,
                    "bankName": bank.bankName, "bic": bank.bic.value,
                    "correspondentAccount": bank.correspondentAccount.value, "account": bank.account.value,
                ])
            for service in principal.services {
                try p.record(
                    "service",
                    [
                        "code": service.code, "name": service.name, "unit": service.unit,
                        "tariff": String(service.tariff), "tariffFrom": "2026-07-01",
                    ])
            }
            try p.record("footer", ["serviceCount": String(principal.services.count)])
            try p.close()
            files.principals.append(principalPath)

            let accountsPath = "\(directory)/accounts-\(inn).xml"
            let a = try ExchangeWriter(path: accountsPath, root: ExchangeKind.accounts.rootElement)
            try a.record("header", ["principalInn": inn, "fileId": "A-\(inn)-1", "createdAt": createdAt])
            for index in servedHouses {
                let house = houses[index]
                try a.record(
                    "house",
                    [
                        "code": house.code, "postalCode": house.postalCode, "city": "Челябинск",
                        "street": house.street, "number": house.number,
                    ])
            }
            for flat in served {
                try a.record(
                    "account",
                    [
                        "number": flat.account, "house": houses[flat.house].code, "entrance": String(flat.entrance),
                        "apartment": String(flat.apartment), "area": Money(kopecks: flat.areaCenti).decimalString,
                        "residents": String(flat.residents), "owner": flat.owner,
                    ])
            }
            var meters = 0
            for flat in served {
                for (serviceIndex, service) in principal.services.enumerated() where service.meterPrefix != nil {
                    meters += 1
                    var random = SeededRandom(seed: seed ^ UInt64(serviceIndex + 1) &* 0x51ED_27 ^ UInt64(flat.account)!)
                    let year = random.int(2019...2025)
                    try a.record(
                        "meter",
                        [
                            "serial": "\(service.meterPrefix!)\(flat.account)", "account": flat.account,
                            "service": service.code, "digits": service.unit == "кВт·ч" ? "6" : "5",
                            "installedOn": "\(year)-0\(random.int(1...9))-1\(random.int(0...9))",
                            "verifiedUntil": "\(year + service.verificationYears)-0\(random.int(1...9))-1\(random.int(0...9))",
                        ])
                }
            }
            try a.record(
                "footer",
                [
                    "houseCount": String(servedHouses.count), "accountCount": String(served.count),
                    "meterCount": String(meters),
                ])
            try a.close()
            files.accounts.append(accountsPath)

            let chargesPath = "\(directory)/charges-\(inn)-\(period).xml"
            let c = try ExchangeWriter(path: chargesPath, root: ExchangeKind.charges.rootElement)
            try c.record(
                "header",
                ["principalInn": inn, "period": period.description, "fileId": "C-\(inn)-\(period)", "createdAt": createdAt])
            var total = Money.zero
            var rows = 0
            for flat in served {
                for (serviceIndex, service) in principal.services.enumerated() {
                    var random = SeededRandom(
                        seed: seed ^ UInt64(serviceIndex + 101) &* 0x9E37 ^ UInt64(flat.account)! ^ UInt64(period.index))
                    let volume = service.volume(flat, houses[flat.house], &random)
                    guard volume > 0 else { continue }
                    let amount = Money.charge(volumeMilli: volume, tariff: Money(kopecks: service.tariff))
                    total += amount
                    rows += 1
                    try c.record(
                        "charge",
                        [
                            "account": flat.account, "service": service.code,
                            "volume": formatMilli(volume).replacingComma(), "tariff": String(service.tariff),
                            "amount": String(amount.kopecks),
                        ])
                }
            }
            try c.record("footer", ["rowCount": String(rows), "totalAmount": String(total.kopecks)])
            try c.close()
            files.charges.append(chargesPath)
            _ = number
        }
        return files
    }
}

func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

extension String {
    func replacingComma() -> String { String(map { $0 == "," ? "." : $0 }) }
}
