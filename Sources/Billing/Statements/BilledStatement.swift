public import Core

/// One premises' statement of a period as billing wrote it, with what a document needs to show
/// it: the premises and payer, each principal's lines with its requisites, the balances, the
/// meters with their readings. Read by ``StatementReader``; Receipts turns it into an ЕПД.
public struct BilledStatement: Sendable, Hashable {
    public struct Premises: Sendable, Hashable {
        public var account: PersonalAccountNumber
        public var ownerName: String
        public var postalCode: String
        public var city: String
        public var street: String
        public var houseNumber: String
        public var entrance: Int
        public var apartment: String
        public var areaCenti: Int64
        public var residents: Int
    }

    public struct Line: Sendable, Hashable {
        public var serviceName: String
        public var unit: String
        public var volumeMilli: Int64
        public var tariff: Money
        /// Charged for the period, before recalculations and privileges.
        public var amount: Money
        public var recalculated: Money
        /// The discount given (positive).
        public var privileges: Money
        /// The line's balance at the end of the period.
        public var closing: Money
        /// Debt (positive) or advance (negative) the line carried into the period.
        public var opening: Money
        /// Penalties posted in the period (the month's accrual and any recalculation of them).
        public var penalties: Money
        /// Money received for it in the period (positive).
        public var paid: Money
        /// How the charge came about: `supplied`, `metered`, `average`, `norm`, `norm x1.5`, ...
        public var method: String
        /// Why, when not by readings (an average, the norm, the norm x1.5).
        public var methodNote: String?
        /// Each privilege given, with its terms and sum.
        public var privilegeNote: String?
        /// The norm per resident a month, thousandths of the unit.
        public var normMilli: Int64?
        /// The service's readings day.
        public var readingsDueDay: Int
        /// The service's own payment due day, when its principal's file sets one.
        public var paymentDueDay: Int? = nil
        /// A charge for the common property of the house (СОИ), not for the premises' own use.
        public var isCommonProperty = false
    }

    /// A principal's block: its requisites and its lines on this statement.
    public struct Principal: Sendable, Hashable {
        public var id: Int64
        public var name: String
        public var inn: String
        public var kpp: String
        public var bankName: String
        public var bic: String
        public var account: String
        public var correspondentAccount: String
        public var phone: String
        /// Its agreement in force at the period's end has it paid to its own account.
        public var paidToOwnAccount: Bool
        public var lines: [Line]
    }

    public struct Reading: Sendable, Hashable {
        public var valueMilli: Int64
        public var takenOn: CalendarDate
    }

    /// An individual meter with its last reading before the period and its last of the period.
    public struct Meter: Sendable, Hashable {
        public var serviceName: String
        public var serial: String
        public var unit: String
        public var previous: Reading?
        public var current: Reading?
        public var verifiedUntil: CalendarDate
    }

    public var period: BillingPeriod
    public var premises: Premises
    /// Debt (positive) or advance (negative) carried into the period.
    public var opening: Money
    /// Money received in the period.
    public var paid: Money
    /// Penalties accrued in the period.
    public var penalties: Money
    public var principals: [Principal]
    public var meters: [Meter]
    /// The period's recalculations with their reasons (Раздел 6 of the ЕПД).
    public var recalculations: [Recalculation] = []
    /// The house's common-property figures (Раздел 4), when it has common-property data.
    public var house: HouseFigures?
    /// The premises' ЕЛС in ГИС ЖКХ, once the state gave it (erc gis import-ids).
    public var unifiedAccount: String?
    /// The document's ИПД, once the state placed it.
    public var documentId: String?

    /// A house's common property and, per resource, its СОИ norm and the period's volumes.
    public struct HouseFigures: Sendable, Hashable {
        public struct Resource: Sendable, Hashable {
            public var resource: Service.Resource
            /// Per m² of common property a month, millionths of the unit.
            public var normMicro: Int64
            /// The house meters' (ОДПУ) volume of the period, when measured.
            public var meterMilli: Int64?
            /// What the house's premises were billed for the period: their own use, and СОИ.
            public var individualMilli: Int64
            public var commonMilli: Int64
            /// A negative volume carried forward (owners' monthly-by-meter decision), thousandths.
            public var carriedMilli: Int64
        }

        public var commonAreaCenti: Int64
        public var premisesAreaCenti: Int64
        public var resources: [Resource]
    }

    /// A recalculation posted in the period: a principal's service, the sum, and why.
    public struct Recalculation: Sendable, Hashable {
        public var principalName: String
        public var serviceName: String
        /// Whether it recalculates penalties (when the rates changed), not a charge.
        public var isPenalty: Bool
        public var amount: Money
        public var reason: String
    }
}
