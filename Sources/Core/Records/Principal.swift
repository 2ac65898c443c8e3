/// A principal: a utility, the waste operator, the capital-repair fund, a management company,
/// an intercom or gas company, on whose behalf the center bills.
public struct Principal: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case water, heating, electricity, gas, waste
        case capitalRepair = "capital-repair"
        case management, intercom, antenna
    }

    public var inn: INN
    public var kpp: KPP
    public var ogrn: OGRN
    public var name: String
    public var kind: Kind
    public var bankDetails: BankDetails
    public var address: String
    public var phone: String
    public var email: String?
    public var contactPerson: String?
    /// Days after the due date without penalties for its services, when not the rates' (30).
    public var graceDays: Int?

    public init(
        inn: INN, kpp: KPP, ogrn: OGRN, name: String, kind: Kind, bankDetails: BankDetails,
        address: String, phone: String, email: String? = nil, contactPerson: String? = nil, graceDays: Int? = nil
    ) {
        self.graceDays = graceDays
        self.inn = inn
        self.kpp = kpp
        self.ogrn = ogrn
        self.name = name
        self.kind = kind
        self.bankDetails = bankDetails
        self.address = address
        self.phone = phone
        self.email = email
        self.contactPerson = contactPerson
    }
}

/// Where money for a payee goes: the bank and the settlement account.
public struct BankDetails: Sendable, Hashable, Codable {
    public var bankName: String
    public var bic: BIC
    public var correspondentAccount: BankAccount
    public var account: BankAccount

    public init(bankName: String, bic: BIC, correspondentAccount: BankAccount, account: BankAccount) {
        self.bankName = bankName
        self.bic = bic
        self.correspondentAccount = correspondentAccount
        self.account = account
    }
}

/// A service a principal sells, identified by its code within the principal.
public struct Service: Sendable, Hashable, Codable {
    /// Who works out the monthly charge, and from what.
    public enum Calculation: String, Sendable, Hashable, Codable, CaseIterable {
        /// The principal sends ready-made charges in its charges file.
        case supplied
        /// The center: meter readings (current minus previous); without a reading the average
        /// of recent months, then the norm x residents (Rules 354 p. 59-60).
        case metered
        /// The center: the norm x registered residents.
        case perResident = "per-resident"
        /// The center: total area of the premises (m²) x the tariff.
        case perArea = "per-area"
        /// The center: one unit per premises a month.
        case fixed
        /// The center: the premises' cold and hot water volumes of the month added up, whoever
        /// supplies them and however they were billed (sewerage, the usual rule).
        case waterSum = "water-sum"
        /// The center: the resource used for the common property of the premises' house (СОИ),
        /// by the house's norm, average or house meter, shared by area (``CommonProperty``).
        case commonProperty = "common-property"
    }

    /// What the service supplies, where the law treats resources differently: the increasing
    /// factor 1.5 after a meter failed applies to water only (ЖК ст. 157 ч. 1).
    public enum Resource: String, Sendable, Hashable, Codable, CaseIterable {
        case coldWater = "cold-water"
        case hotWater = "hot-water"
        case sewerage
        case electricity
        case heat
        case gas
        case other

        /// Whether a meter's owners must fit it for water they use: the only resources the
        /// increasing factor may apply to.
        public var isWater: Bool { self == .coldWater || self == .hotWater }
    }

    public var code: String
    public var name: String
    /// The unit as printed: `м³`, `кВт·ч`, `Гкал`, `м²`, `чел.`, `шт.`.
    public var unit: String
    public var calculation: Calculation
    /// What it supplies; nil when the principal did not say (no increasing factor then).
    public var resource: Resource?
    /// The consumption norm per resident a month, thousandths of the unit (metered without
    /// readings, per resident).
    public var normMilli: Int64?
    /// The last day of the month a reading counts for that month (the 25th unless the
    /// agreement says otherwise).
    public var readingsDueDay: Int?
    /// The day of the month after the period its payment is due, when not the rates' calendar's
    /// (moved off non-working days the same way).
    public var paymentDueDay: Int?

    public init(
        code: String, name: String, unit: String, calculation: Calculation = .supplied, normMilli: Int64? = nil,
        readingsDueDay: Int? = nil, resource: Resource? = nil, paymentDueDay: Int? = nil
    ) {
        self.paymentDueDay = paymentDueDay
        self.resource = resource
        self.code = code
        self.name = name
        self.unit = unit
        self.calculation = calculation
        self.normMilli = normMilli
        self.readingsDueDay = readingsDueDay
    }
}

/// A tariff of a service in kopecks per unit, in force from a day until the next one.
///
/// A two-component tariff (hot water: a price per m³ of water and a price per Gcal of the heat
/// that warms it) adds `component`: the price per unit of the second resource and how much of
/// it goes into one unit of the service (the heating norm, Gcal per m³).
public struct Tariff: Sendable, Hashable, Codable {
    public struct Component: Sendable, Hashable, Codable {
        /// Kopecks per unit of the second resource (per Gcal).
        public var price: Money
        /// Millionths of a unit of the second resource in one unit of the service (0.0612 Gcal
        /// per m³ is 61 200).
        public var factorMicro: Int64

        public init(price: Money, factorMicro: Int64) {
            self.price = price
            self.factorMicro = factorMicro
        }
    }

    public var serviceCode: String
    public var effectiveFrom: CalendarDate
    public var price: Money
    public var component: Component?

    public init(serviceCode: String, effectiveFrom: CalendarDate, price: Money, component: Component? = nil) {
        self.serviceCode = serviceCode
        self.effectiveFrom = effectiveFrom
        self.price = price
        self.component = component
    }

    /// The price of one unit in millionths of a kopeck: the first component, plus the second
    /// resource's price x its factor.
    public var microPrice: Int64 {
        price.kopecks * 1_000_000 + (component.map { $0.price.kopecks * $0.factorMicro } ?? 0)
    }

    /// The price of one unit, rounded once to kopecks, as the ЕПД prints it.
    public var unitPrice: Money { Money.rounded(numerator: microPrice, denominator: 1_000_000) }
}
