import Core
import Principals

/// One of the demo region's 46 principals, with valid synthetic requisites.
struct DemoPrincipal {
    var name: String
    var kind: Principal.Kind
    var inn: INN
    var kpp: KPP
    var ogrn: OGRN
    var address: String
    var phone: String
    var bank: BankDetails
    var services: [DemoService]
    /// Which houses (by record and index) it serves.
    var serves: @Sendable (DemoRegion.House, Int) -> Bool
    var agreement: AgencyAgreement

    var record: Principal {
        Principal(
            inn: inn, kpp: kpp, ogrn: ogrn, name: name, kind: kind, bankDetails: bank, address: address, phone: phone,
            email: "info@\(inn).example", contactPerson: "Отдел расчётов")
    }

    static let banks: [(name: String, bic: String)] = [
        ("ПАО СБЕРБАНК", "047501602"), ("ПАО ЧЕЛЯБИНВЕСТБАНК", "047501779"), ("АО АЛЬФА-БАНК", "047501837"),
    ]

    static func bank(_ index: Int) throws -> BankDetails {
        let (name, code) = banks[index % banks.count]
        let bic = try BIC(code)
        let corr = try generated(BankAccount.withKey("30101810000000000\(code.suffix(3))", bic: bic), "account")
        let account = try generated(BankAccount.withKey("40702810\(pad(index + 1, 12))", bic: bic), "account")
        return BankDetails(bankName: name, bic: bic, correspondentAccount: corr, account: account)
    }

    /// A requisite completed with its check digits; nil only if the pattern it was made from
    /// had the wrong length, which a test of the roster would catch.
    static func generated<Value>(_ value: Value?, _ field: String) throws -> Value {
        guard let value else {
            throw RequisiteError(code: .format, field: field, reason: "the demo's pattern has the wrong length")
        }
        return value
    }

    static func make(
        _ index: Int, name: String, kind: Principal.Kind, services: [DemoService],
        serves: @escaping @Sendable (DemoRegion.House, Int) -> Bool
    ) throws -> DemoPrincipal {
        let inn = try generated(INN.completing("745\(pad(100_000 + index * 37, 6))"), "INN")
        let ogrn = try generated(OGRN.completing("1027400\(pad(10_000 + index * 13, 5))"), "OGRN")
        // Utilities pay a share of the money collected; small companies a fee per payment. The
        // gas company is paid into its own account and has a QR code of its own on the ЕПД.
        let fee: AgencyAgreement.Fee = index < 6 ? .basisPoints(100 + index * 25) : .perPayment(Money(kopecks: 1_500))
        let agreement = AgencyAgreement(
            number: "АД-\(pad(index + 1, 3))/2026", signedOn: .clamped(2025, 12, 15),
            effectiveFrom: .clamped(2026, 1, 1), fee: fee,
            payoutSchedule: index < 6 ? .daily : .weekly, payee: kind == .gas ? .own : .center)
        return DemoPrincipal(
            name: name, kind: kind, inn: inn, kpp: try KPP("745\(pad(index % 7 + 1, 1))01001"), ogrn: ogrn,
            address: "г. Челябинск, \(DemoNames.streets[index % DemoNames.streets.count].street), д. \(index + 3)",
            phone: "+7 (351) \(pad(200 + index, 3))-\(pad(10 + index, 2))-\(pad(40 + index, 2))", bank: try bank(index),
            services: services, serves: serves, agreement: agreement)
    }

    /// The roster: 6 region-wide utilities and funds, 30 management companies, 8 intercom
    /// companies and 2 antenna operators.
    static func roster() throws -> [DemoPrincipal] {
        var list: [DemoPrincipal] = [
            try make(
                0, name: "МУП «ПОВВ» (Водоканал)", kind: .water, services: [.coldWater, .sewage, .coldWaterCommon]
            ) {
                _, _ in true
            },
            try make(1, name: "АО «УСТЭК-Челябинск»", kind: .heating, services: [.heating, .hotWater]) { _, _ in true },
            try make(
                2, name: "ООО «Уралэнергосбыт»", kind: .electricity,
                services: [.electricity, .electricityDay, .electricityNight, .electricityCommon]
            ) { _, _ in true },
            try make(3, name: "ООО «Газпром межрегионгаз Челябинск»", kind: .gas, services: [.gas]) { house, _ in
                house.hasGas
            },
            try make(4, name: "ООО «Центр коммунального сервиса»", kind: .waste, services: [.waste]) { _, _ in true },
            try make(
                5, name: "СНОФ «Региональный оператор капитального ремонта Челябинской области»", kind: .capitalRepair,
                services: [.capitalRepair]
            ) { _, _ in true },
        ]
        for (offset, name) in DemoNames.managementCompanies.enumerated() {
            list.append(
                try make(
                    6 + offset, name: "ООО «УК \(name)»", kind: .management,
                    services: [.maintenance, .coldWaterCommon, .hotWaterCommon, .electricityCommon]
                ) {
                    _, index in
                    index % 30 == offset
                })
        }
        for (offset, name) in DemoNames.intercomCompanies.enumerated() {
            list.append(
                try make(36 + offset, name: "ООО «\(name)»", kind: .intercom, services: [.intercom]) { _, index in
                    index % 8 == offset
                })
        }
        for offset in 0..<2 {
            list.append(
                try make(44 + offset, name: "ООО «Антенна-\(offset + 1)»", kind: .antenna, services: [.antenna]) {
                    _, index in index % 3 != 0 && index % 2 == offset
                })
        }
        return list
    }
}

/// A service of a demo principal: its tariff (kopecks per unit) and how a month's volume
/// (thousandths of a unit) comes about for a flat.
struct DemoService {
    var code: String
    var name: String
    var unit: String
    var tariff: Int64
    var meterPrefix: String?
    var verificationYears = 6
    /// How the center gets the charge: `supplied` comes in the principal's charges file.
    var calculation = Service.Calculation.supplied
    /// The norm per resident a month, thousandths of the unit.
    var normMilli: Int64?
    /// The day of the next month its payment is due, when not the rates' calendar's.
    var paymentDueDay: Int?
    /// The second component of a two-component tariff.
    var component: Tariff.Component?
    /// What it supplies (the increasing factor applies to water only).
    var resource: Service.Resource?
    /// Which premises have a meter of this service (a two-zone meter has one register per zone).
    var metersOn: @Sendable (DemoRegion.Flat) -> Bool = { _ in true }
    var volume: @Sendable (DemoRegion.Flat, DemoRegion.House, inout SeededRandom) -> Int64

    static let coldWater = DemoService(
        code: "CW", name: "Холодное водоснабжение", unit: "м³", tariff: 4_289, meterPrefix: "CW",
        calculation: .metered, normMilli: 4_745, resource: .coldWater
    ) { flat, _, random in Int64(flat.residents * random.int(2_500...4_200)) }
    /// Sewerage billed by the water: the premises' cold and hot water volumes added up.
    static let sewage = DemoService(
        code: "SEW", name: "Водоотведение", unit: "м³", tariff: 3_184, calculation: .waterSum, resource: .sewerage
    ) {
        flat, _, random in Int64(flat.residents * random.int(4_000...6_500))
    }
    static let hotWater = DemoService(
        code: "HW", name: "Горячее водоснабжение", unit: "м³", tariff: 22_341, meterPrefix: "HW",
        verificationYears: 6, calculation: .metered, normMilli: 3_167,
        // Hot water at a two-component tariff: the water and the heat that warms it.
        component: Tariff.Component(price: Money(kopecks: 248_900), factorMicro: 61_200), resource: .hotWater
    ) { flat, _, random in Int64(flat.residents * random.int(1_500...2_600)) }
    static let heating = DemoService(
        code: "HEAT", name: "Отопление", unit: "Гкал", tariff: 248_900, resource: .heat
    ) {
        flat, _, _ in flat.areaCenti * 176 / 1_000
    }
    static let electricity = DemoService(
        code: "EL", name: "Электроснабжение", unit: "кВт·ч", tariff: 528, meterPrefix: "EL", verificationYears: 16,
        calculation: .metered, normMilli: 88_000, resource: .electricity, metersOn: { !$0.hasTwoZoneMeter }
    ) { flat, _, random in Int64(random.int(60...140) + flat.residents * random.int(30...70)) * 1_000 }
    /// Day and night zones of a two-zone electricity meter: a service each, with its own tariff
    /// and register, and no norm of its own (a premises without a meter is billed by EL's).
    static let electricityDay = DemoService(
        code: "ELD", name: "Электроснабжение, дневная зона", unit: "кВт·ч", tariff: 608, meterPrefix: "ELD",
        verificationYears: 16, calculation: .metered, resource: .electricity, metersOn: { $0.hasTwoZoneMeter }
    ) { flat, _, random in Int64(random.int(50...100) + flat.residents * random.int(20...50)) * 1_000 }
    static let electricityNight = DemoService(
        code: "ELN", name: "Электроснабжение, ночная зона", unit: "кВт·ч", tariff: 295, meterPrefix: "ELN",
        verificationYears: 16, calculation: .metered, resource: .electricity, metersOn: { $0.hasTwoZoneMeter }
    ) { flat, _, random in Int64(random.int(20...60) + flat.residents * random.int(10...25)) * 1_000 }
    static let gas = DemoService(code: "GAS", name: "Газоснабжение", unit: "м³", tariff: 832, resource: .gas) {
        flat, _, _ in Int64(flat.residents) * 10_000
    }
    static let waste = DemoService(
        code: "TKO", name: "Обращение с ТКО", unit: "чел.", tariff: 10_650, calculation: .perResident, normMilli: 1_000
    ) {
        flat, _, _ in Int64(flat.residents) * 1_000
    }
    /// The regional fund's contributions, due on the 20th (a due day of its own).
    static let capitalRepair = DemoService(
        code: "KR", name: "Взнос на капитальный ремонт", unit: "м²", tariff: 1_345, calculation: .perArea,
        paymentDueDay: 20
    ) {
        flat, _, _ in flat.areaCenti * 10
    }
    /// "Содержание жилого помещения" as ЖК ст. 154 ч. 2 п. 1 names it (management, upkeep and
    /// current repair of the common property; the resources used for it are lines of their own).
    static let maintenance = DemoService(
        code: "SOD", name: "Содержание жилого помещения", unit: "м²", tariff: 2_850
    ) { flat, _, _ in flat.areaCenti * 10 }
    /// The resources used for the common property (СОИ): charged by a house's management
    /// organisation within "содержание", or under direct management by the supplier.
    static let coldWaterCommon = DemoService(
        code: "CWS", name: "Холодная вода на СОИ", unit: "м³", tariff: 4_289, calculation: .commonProperty,
        resource: .coldWater
    ) { _, _, _ in 0 }
    static let hotWaterCommon = DemoService(
        code: "HWS", name: "Горячая вода на СОИ", unit: "м³", tariff: 22_967, calculation: .commonProperty,
        resource: .hotWater
    ) { _, _, _ in 0 }
    static let electricityCommon = DemoService(
        code: "ELS", name: "Электроэнергия на СОИ", unit: "кВт·ч", tariff: 528, calculation: .commonProperty,
        resource: .electricity
    ) { _, _, _ in 0 }
    static let intercom = DemoService(
        code: "DOM", name: "Домофон", unit: "шт.", tariff: 6_500, calculation: .fixed
    ) { _, _, _ in 1_000 }
    static let antenna = DemoService(code: "ANT", name: "Коллективная антенна", unit: "шт.", tariff: 12_000) {
        _, _, _ in 1_000
    }
}
