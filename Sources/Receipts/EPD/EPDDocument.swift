public import Core

/// Everything one ЕПД shows: the payer and premises, the center, and one block per principal
/// with its lines, for one period.
public struct EPDDocument: Sendable, Hashable {
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

        public init(
            serviceName: String, unit: String, volumeMilli: Int64, tariff: Money, amount: Money,
            recalculated: Money = .zero, privileges: Money = .zero
        ) {
            self.serviceName = serviceName
            self.unit = unit
            self.volumeMilli = volumeMilli
            self.tariff = tariff
            self.amount = amount
            self.recalculated = recalculated
            self.privileges = privileges
        }

        /// Due for the period: charged + recalculations - privileges.
        public var due: Money { amount + recalculated - privileges }
        /// The line's balance at the end of the period (with debt, penalties and payments).
        public var closing: Money?
        /// Debt (positive) or advance (negative) the line carried into the period.
        public var opening = Money.zero
        /// Penalties posted in the period.
        public var penalties = Money.zero
        /// How the charge came about (`average`, `norm`, `norm x1.5`, ...) and why, when not by readings.
        public var method = "supplied"
        public var methodNote: String?
        /// Each privilege given, with its terms and sum ("кат. VETERAN: 50 % на 1 из 3 чел. 123,45").
        public var privilegeNote: String?
        /// The service's own due date, when its principal's file sets a day of its own.
        public var dueDate: CalendarDate?
        /// The consumption norm per resident a month, thousandths of the unit, for the reference.
        public var normMilli: Int64?
        /// A charge for the common property of the house (СОИ): its volume and sum go in the
        /// СОИ columns.
        public var isCommonProperty = false
    }

    /// The house's common property and its СОИ figures of the period (Раздел 4 of the 43/пр form).
    public struct HouseFigures: Sendable, Hashable {
        public struct Resource: Sendable, Hashable {
            public var resource: Service.Resource
            public var normMicro: Int64
            public var meterMilli: Int64?
            public var individualMilli: Int64
            public var commonMilli: Int64
            public var carriedMilli: Int64

            public init(
                resource: Service.Resource, normMicro: Int64, meterMilli: Int64?, individualMilli: Int64,
                commonMilli: Int64, carriedMilli: Int64 = 0
            ) {
                self.resource = resource
                self.normMicro = normMicro
                self.meterMilli = meterMilli
                self.individualMilli = individualMilli
                self.commonMilli = commonMilli
                self.carriedMilli = carriedMilli
            }
        }

        public var commonAreaCenti: Int64
        public var premisesAreaCenti: Int64
        public var resources: [Resource]

        public init(commonAreaCenti: Int64, premisesAreaCenti: Int64, resources: [Resource]) {
            self.commonAreaCenti = commonAreaCenti
            self.premisesAreaCenti = premisesAreaCenti
            self.resources = resources
        }
    }

    /// An individual meter, with the reading before the period and the one of the period.
    public struct MeterLine: Sendable, Hashable {
        public struct Reading: Sendable, Hashable {
            public var valueMilli: Int64
            public var takenOn: CalendarDate
            public init(valueMilli: Int64, takenOn: CalendarDate) {
                self.valueMilli = valueMilli
                self.takenOn = takenOn
            }
        }

        public var serviceName: String
        public var serial: String
        public var unit: String
        public var previous: Reading?
        public var current: Reading?
        public var verifiedUntil: CalendarDate

        public init(
            serviceName: String, serial: String, unit: String, previous: Reading?, current: Reading?,
            verifiedUntil: CalendarDate
        ) {
            self.serviceName = serviceName
            self.serial = serial
            self.unit = unit
            self.previous = previous
            self.current = current
            self.verifiedUntil = verifiedUntil
        }
    }

    public struct PrincipalBlock: Sendable, Hashable {
        public var name: String
        public var inn: String
        public var kpp: String
        public var bankName: String
        public var bic: String
        public var account: String
        public var phone: String
        public var correspondentAccount: String
        public var lines: [Line]
        /// Whether its agreement has it paid to its own account: then the ЕПД carries a QR code
        /// of its own for paying it alone.
        public var paidToOwnAccount = false
        public var total: Money { lines.reduce(.zero) { $0 + $1.due } }
        /// What is owed to it at the end of the period: its lines' closing balances (their due
        /// amounts when the statement gives no balance).
        public var balance: Money { lines.reduce(.zero) { $0 + ($1.closing ?? $1.due) } }
        /// Debt (positive) or advance (negative) carried into the period, for this principal.
        public var opening: Money { lines.reduce(.zero) { $0 + $1.opening } }
        /// Penalties posted in the period for this principal.
        public var penalties: Money { lines.reduce(.zero) { $0 + $1.penalties } }

        public init(
            name: String, inn: String, kpp: String, bankName: String, bic: String, account: String, phone: String,
            lines: [Line], correspondentAccount: String = "", paidToOwnAccount: Bool = false
        ) {
            self.correspondentAccount = correspondentAccount
            self.paidToOwnAccount = paidToOwnAccount
            self.name = name
            self.inn = inn
            self.kpp = kpp
            self.bankName = bankName
            self.bic = bic
            self.account = account
            self.phone = phone
            self.lines = lines
        }
    }

    public var period: BillingPeriod
    public var account: PersonalAccountNumber
    public var ownerName: String
    public var address: String
    public var postalCode: String
    public var street: String
    public var houseNumber: String
    public var entrance: Int
    public var apartment: String
    public var areaCenti: Int64
    public var residents: Int
    public var center: Center
    public var principals: [PrincipalBlock]
    /// Debt (positive) or advance (negative) carried into the period.
    public var opening = Money.zero
    /// Money received in the period.
    public var paid = Money.zero
    /// Penalties accrued in the period.
    public var penalties = Money.zero
    /// The premises' meters.
    public var meters: [MeterLine] = []
    /// The last day of the month readings count for this period.
    public var readingsDueDay = 25
    /// The day payment falls due (the rates' calendar; the loader sets it).
    public var dueDate: CalendarDate
    /// The period's recalculations with their reasons (Раздел 6).
    public var recalculations: [Recalculation] = []
    /// The house's common-property figures, when it has common-property data.
    public var house: HouseFigures?
    /// The premises' ЕЛС in ГИС ЖКХ, once the state gave it.
    public var unifiedAccount: String?
    /// The document's ИПД in ГИС ЖКХ, once the state placed it.
    public var documentId: String?
    /// The number the document goes by: its ИПД once the state placed it, before that the
    /// center's own (the account and the period).
    public var documentNumber: String { documentId ?? "\(account.value)-\(period.mmyyyy)" }

    /// A recalculation of a principal's service, and why.
    public struct Recalculation: Sendable, Hashable {
        public var principalName: String
        public var serviceName: String
        /// A recalculation of penalties (the rates changed), not of a charge.
        public var isPenalty: Bool
        public var amount: Money
        public var reason: String

        public init(principalName: String, serviceName: String, isPenalty: Bool, amount: Money, reason: String) {
            self.principalName = principalName
            self.serviceName = serviceName
            self.isPenalty = isPenalty
            self.amount = amount
            self.reason = reason
        }
    }

    public init(
        period: BillingPeriod, account: PersonalAccountNumber, ownerName: String, address: String,
        postalCode: String, street: String, houseNumber: String, entrance: Int, apartment: String, areaCenti: Int64,
        residents: Int, center: Center, principals: [PrincipalBlock]
    ) {
        self.period = period
        self.account = account
        self.ownerName = ownerName
        self.address = address
        self.postalCode = postalCode
        self.street = street
        self.houseNumber = houseNumber
        self.entrance = entrance
        self.apartment = apartment
        self.areaCenti = areaCenti
        self.residents = residents
        self.center = center
        self.principals = principals
        dueDate = LegalCalendar(rows: []).dueDate(for: period)
    }

    /// Due for the period's services: charged + recalculations - privileges.
    public var charged: Money { principals.reduce(.zero) { $0 + $1.total } }
    /// The balance at the end of the period: opening + due + penalties - paid; negative is an
    /// advance.
    public var balance: Money { opening + charged + penalties - paid }
    /// What to pay: the balance, or nothing when it is an advance.
    public var total: Money { max(balance, .zero) }

    /// The GOST R 56042-2014 payload for paying the whole document to the center's account.
    public func paymentQR(charset: PaymentQR.Charset = .utf8) -> PaymentQR {
        let bank = center.bankDetails
        return payload(
            name: center.name, account: bank.account.value, bankName: bank.bankName, bic: bank.bic.value,
            correspondent: bank.correspondentAccount.value, inn: center.inn.value, kpp: center.kpp.value, sum: total,
            purpose: "Оплата ЖКУ за \(pad2(period.month)).\(period.year), ЛС \(account.value)", charset: charset)
    }

    /// The payload for paying one principal alone, to its own account: what is owed to it.
    public func paymentQR(for block: PrincipalBlock, charset: PaymentQR.Charset = .utf8) -> PaymentQR {
        payload(
            name: block.name, account: block.account, bankName: block.bankName, bic: block.bic,
            correspondent: block.correspondentAccount, inn: block.inn, kpp: block.kpp, sum: max(block.balance, .zero),
            purpose: "Оплата за \(pad2(period.month)).\(period.year), ЛС \(account.value)", charset: charset)
    }

    private func payload(
        name: String, account payee: String, bankName: String, bic: String, correspondent: String, inn: String,
        kpp: String, sum: Money, purpose: String, charset: PaymentQR.Charset
    ) -> PaymentQR {
        var fields: [PaymentQR.Field] = [
            .init("Name", name),
            .init("PersonalAcc", payee),
            .init("BankName", bankName),
            .init("BIC", bic),
            .init("CorrespAcc", correspondent),
            .init("PayeeINN", inn),
            .init("KPP", kpp),
            .init("Sum", String(sum.kopecks)),
            .init("Purpose", purpose),
        ]
        let names = ownerName.split(separator: " ").map(String.init)
        if names.count == 3 {
            fields += [.init("LastName", names[0]), .init("FirstName", names[1]), .init("MiddleName", names[2])]
        }
        fields += [
            .init("PayerAddress", address),
            .init("PersAcc", account.value),
            .init("PaymPeriod", period.mmyyyy),
            .init("TechCode", "02"),
        ]
        return PaymentQR(charset: charset, fields: fields)
    }
}

func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
