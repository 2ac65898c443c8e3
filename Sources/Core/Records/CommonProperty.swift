/// What billing needs to know of a house for the utilities used for its common property (СОИ:
/// ЖК ст. 154 ч. 2 п. 1, ст. 156 ч. 9.1-9.3): its areas, who charges, how the volume is worked
/// out, and the region's СОИ norms per resource.
public struct CommonProperty: Sendable, Hashable, Codable {
    /// Who charges СОИ.
    public enum Management: String, Sendable, Hashable, Codable, CaseIterable {
        /// A management organisation (УК, ТСЖ, ЖСК) charges it within "содержание жилого
        /// помещения" (ЖК ст. 154 ч. 2, ст. 156 ч. 9.1), even when the owners have direct
        /// contracts with the suppliers (ст. 157.2 ч. 5).
        case organisation
        /// Direct management by the owners (or no method chosen): each resource supplier
        /// charges it as a utility (ст. 154 ч. 5, ст. 157.2 ч. 9).
        case direct
    }

    /// How the month's СОИ volume is worked out.
    public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
        /// By the norm each month; where there is a house meter, recalculated by it after each
        /// year (ЖК ст. 156 ч. 9.2, the rule without a decision of the owners; ч. 9.3 without a
        /// house meter).
        case norm
        /// The owners decided on the monthly average of the house meter's previous year, with
        /// the same recalculation after the year (ч. 9.2 п. 1).
        case average
        /// The owners decided on the house meter's volume month by month (ч. 9.2 п. 2).
        case meter
    }

    /// Area of the premises that form the common property (S_ои), hundredths of m².
    public var commonAreaCenti: Int64
    /// Total area of every residential and non-residential premises of the house (S_об),
    /// hundredths of m².
    public var premisesAreaCenti: Int64
    public var management: Management
    public var method: Method
    /// The region's СОИ norm per m² of common property a month, millionths of the resource's
    /// unit, per resource.
    public var normsMicro: [Service.Resource: Int64]

    public init(
        commonAreaCenti: Int64, premisesAreaCenti: Int64, management: Management, method: Method = .norm,
        normsMicro: [Service.Resource: Int64]
    ) {
        self.commonAreaCenti = commonAreaCenti
        self.premisesAreaCenti = premisesAreaCenti
        self.management = management
        self.method = method
        self.normsMicro = normsMicro
    }

    /// The resources used for common property, and the element of the accounts file that gives
    /// each one's norm (heat is never a СОИ line: ЖК ст. 154 ч. 2 п. 1 names water, hot water,
    /// electricity and sewerage).
    public static let normElements: [(resource: Service.Resource, element: String)] = [
        (.coldWater, "commonNormColdWater"), (.hotWater, "commonNormHotWater"),
        (.electricity, "commonNormElectricity"), (.sewerage, "commonNormSewerage"),
    ]
}

/// A house meter (ОДПУ) of a resource, registered by the principal that supplies it.
public struct HouseMeter: Sendable, Hashable, Codable {
    public var serial: String
    public var houseCode: String
    /// The principal's service whose resource it measures.
    public var serviceCode: String
    public var digits: Int
    public var installedOn: CalendarDate
    public var verifiedUntil: CalendarDate
    public var initialReadingMilli: Int64?
    public var removedOn: CalendarDate?

    public init(
        serial: String, houseCode: String, serviceCode: String, digits: Int, installedOn: CalendarDate,
        verifiedUntil: CalendarDate, initialReadingMilli: Int64? = nil, removedOn: CalendarDate? = nil
    ) {
        self.serial = serial
        self.houseCode = houseCode
        self.serviceCode = serviceCode
        self.digits = digits
        self.installedOn = installedOn
        self.verifiedUntil = verifiedUntil
        self.initialReadingMilli = initialReadingMilli
        self.removedOn = removedOn
    }
}

/// A reading of a house meter, as a readings file carries it.
public struct HouseMeterReading: Sendable, Hashable, Codable {
    public var houseCode: String
    public var meterSerial: String
    public var serviceCode: String
    public var valueMilli: Int64
    public var takenOn: CalendarDate
    public var channel: MeterReading.Channel
    public var receivedAt: String

    public init(
        houseCode: String, meterSerial: String, serviceCode: String, valueMilli: Int64, takenOn: CalendarDate,
        channel: MeterReading.Channel = .principal, receivedAt: String
    ) {
        self.houseCode = houseCode
        self.meterSerial = meterSerial
        self.serviceCode = serviceCode
        self.valueMilli = valueMilli
        self.takenOn = takenOn
        self.channel = channel
        self.receivedAt = receivedAt
    }
}
