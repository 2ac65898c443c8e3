/// A house: the unit of work for billing and print batches.
public struct House: Sendable, Hashable, Codable {
    /// The house's code in the center (stable across files).
    public var code: String
    public var postalCode: String
    public var city: String
    public var street: String
    public var number: String
    /// Its common-property data (СОИ), when the file that registers it gives them.
    public var commonProperty: CommonProperty?

    public init(
        code: String, postalCode: String, city: String, street: String, number: String,
        commonProperty: CommonProperty? = nil
    ) {
        self.commonProperty = commonProperty
        self.code = code
        self.postalCode = postalCode
        self.city = city
        self.street = street
        self.number = number
    }

    /// `454091, г. Челябинск, ул. Кирова, д. 10`.
    public var address: String { "\(postalCode), г. \(city), \(street), д. \(number)" }
}

/// A premises (flat) with its personal account: what one ЕПД is printed for.
public struct Premises: Sendable, Hashable, Codable {
    public var account: PersonalAccountNumber
    public var houseCode: String
    public var entrance: Int
    public var apartment: String
    /// Total area in hundredths of a square metre (`5430` is 54.30 m²).
    public var areaCenti: Int64
    public var residents: Int
    public var ownerName: String
    /// The day `ownerName` owns the premises from, when it is not the owner it was registered with.
    public var ownerSince: CalendarDate?
    /// The principal's own number for the premises, in files of a principal that has one.
    public var principalAccount: String?
    /// The customer's choice of delivery as an accounts file proposes it.
    public var delivery: DeliveryConsent?

    public init(
        account: PersonalAccountNumber, houseCode: String, entrance: Int, apartment: String,
        areaCenti: Int64, residents: Int, ownerName: String, ownerSince: CalendarDate? = nil,
        principalAccount: String? = nil
    ) {
        self.ownerSince = ownerSince
        self.account = account
        self.houseCode = houseCode
        self.entrance = entrance
        self.apartment = apartment
        self.areaCenti = areaCenti
        self.residents = residents
        self.ownerName = ownerName
        self.principalAccount = principalAccount
    }
}

/// An individual meter of a premises.
public struct Meter: Sendable, Hashable, Codable {
    public var serial: String
    public var account: PersonalAccountNumber
    /// The principal's service the meter measures.
    public var principalINN: String
    public var serviceCode: String
    /// Integer digits of the display, for the rollover of readings.
    public var digits: Int
    public var installedOn: CalendarDate
    public var verifiedUntil: CalendarDate
    /// The reading at installation, thousandths of the unit.
    public var initialReadingMilli: Int64?
    /// The day the meter was taken off: it takes no readings from that day.
    public var removedOn: CalendarDate?

    public init(
        serial: String, account: PersonalAccountNumber, principalINN: String, serviceCode: String, digits: Int,
        installedOn: CalendarDate, verifiedUntil: CalendarDate, initialReadingMilli: Int64? = nil,
        removedOn: CalendarDate? = nil
    ) {
        self.serial = serial
        self.account = account
        self.principalINN = principalINN
        self.serviceCode = serviceCode
        self.digits = digits
        self.installedOn = installedOn
        self.verifiedUntil = verifiedUntil
        self.initialReadingMilli = initialReadingMilli
        self.removedOn = removedOn
    }
}
