public import Core
import Principals

/// The files of one big principal for load tests: an onboarding package with ten services, an
/// accounts registry, and a charges file of `rows` rows (ten services for each of `rows / 10`
/// premises), written in constant memory. The same arguments give the same bytes.
public struct LargeChargesFile: Sendable {
    public var rows: Int
    public var period: BillingPeriod
    /// The big principal's INN (745399999 with its check digit).
    public static let inn = "7453999993"

    public init(rows: Int, period: BillingPeriod) {
        self.rows = rows
        self.period = period
    }

    public struct Files: Sendable {
        public var principal: String
        public var accounts: String
        public var charges: String
    }

    static let services = (1...10).map { Service(code: "S\($0)", name: "Услуга \($0)", unit: "м³") }

    public func write(to directory: String) throws -> Files {
        let inn = LargeChargesFile.inn
        let createdAt = "\(period.next.firstDay)T00:00:00+05:00"
        func header(_ id: String) -> ExchangeHeader {
            ExchangeHeader(principalINN: inn, period: period, fileId: id, createdAt: createdAt)
        }
        let bank = try DemoPrincipal.bank(0)
        let principal = Principal(
            inn: try INN(inn), kpp: try KPP("745301001"),
            ogrn: try DemoPrincipal.generated(OGRN.completing("102740009999"), "OGRN"),
            name: "ООО «Большой поставщик»", kind: .water, bankDetails: bank, address: "г. Челябинск",
            phone: "+7 (351) 000-00-00")
        let agreement = AgencyAgreement(
            number: "АД-LOAD", signedOn: .clamped(2025, 12, 1), effectiveFrom: .clamped(2026, 1, 1),
            fee: .basisPoints(100), payoutSchedule: .daily, payee: .center)
        let onboarding = try PrincipalFileWriter(
            path: "\(directory)/principal-load.xml", header: header("P-LOAD"), principal: principal,
            agreement: agreement)
        for service in LargeChargesFile.services { try onboarding.add(service) }
        try onboarding.finish()

        let premises = max(1, rows / LargeChargesFile.services.count)
        let registry = try AccountsFileWriter(path: "\(directory)/accounts-load.xml", header: header("A-LOAD"))
        let houses = (premises + 99) / 100
        for house in 0..<houses {
            try registry.add(
                House(
                    code: "L\(pad(house + 1, 6))", postalCode: "454000", city: "Челябинск", street: "ул. Нагрузочная",
                    number: String(house + 1)))
        }
        for index in 0..<premises {
            try registry.add(
                Premises(
                    account: try PersonalAccountNumber("90" + pad(index + 1, 8)),
                    houseCode: "L\(pad(index / 100 + 1, 6))",
                    entrance: 1, apartment: String(index % 100 + 1), areaCenti: 5_000 + Int64(index % 3_000),
                    residents: 1 + index % 4,
                    ownerName: "Абонент \(index + 1)"))
        }
        try registry.finish()

        let charges = try ChargesFileWriter(path: "\(directory)/charges-load.xml", header: header("C-LOAD-\(rows)"))
        var written = 0
        outer: for index in 0..<premises {
            let account = try PersonalAccountNumber("90" + pad(index + 1, 8))
            for (number, service) in LargeChargesFile.services.enumerated() {
                guard written < rows else { break outer }
                let volume = Int64(1_000 + (index * 7 + number * 13) % 20_000)
                let tariff = Money(kopecks: Int64(1_000 + number * 517))
                try charges.add(
                    Charge(
                        account: account, principalINN: inn, serviceCode: service.code, period: period,
                        volumeMilli: volume,
                        tariff: tariff, amount: Money.charge(volumeMilli: volume, tariff: tariff)))
                written += 1
            }
        }
        try charges.finish()
        return Files(
            principal: "\(directory)/principal-load.xml", accounts: "\(directory)/accounts-load.xml",
            charges: "\(directory)/charges-load.xml")
    }
}
