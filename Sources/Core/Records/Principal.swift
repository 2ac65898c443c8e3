/// A principal: a utility, the waste operator, the capital-repair fund, a management company,
/// an intercom or gas company, on whose behalf the center bills.
public struct Principal: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case water, heating, electricity, gas, waste, capitalRepair = "capital-repair"
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

    public init(
        inn: INN, kpp: KPP, ogrn: OGRN, name: String, kind: Kind, bankDetails: BankDetails,
        address: String, phone: String, email: String? = nil, contactPerson: String? = nil
    ) {
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
    }

    public var code: String
    public var name: String
    /// The unit as printed: `м³`, `кВт·ч`, `Гкал`, `м²`, `чел.`, `шт.`.
    public var unit: String
    public var calculation: Calculation
    /// The consumption norm per resident a month, thousandths of the unit (metered without
    /// readings, per resident).
    public var normMilli: Int64?
    /// The last day of the month a reading counts for that month (the 25th unless the
    /// agreement says otherwise).
    public var readingsDueDay: Int?

    public init(
        code: String, name: String, unit: String, calculation: Calculation = .supplied, normMilli: Int64? = nil,
        readingsDueDay: Int? = nil
    ) {
        self.code = code
        self.name = name
        self.unit = unit
        self.calculation = calculation
        self.normMilli = normMilli
        self.readingsDueDay = readingsDueDay
    }
}

/// A tariff of a service in kopecks per unit, in force from a day until the next one.
public struct Tariff: Sendable, Hashable, Codable {
    public var serviceCode: String
    public var effectiveFrom: CalendarDate
    public var price: Money

    public init(serviceCode: String, effectiveFrom: CalendarDate, price: Money) {
        self.serviceCode = serviceCode
        self.effectiveFrom = effectiveFrom
        self.price = price
    }
}
