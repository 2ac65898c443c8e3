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
    }

    public struct PrincipalBlock: Sendable, Hashable {
        public var name: String
        public var inn: String
        public var kpp: String
        public var bankName: String
        public var bic: String
        public var account: String
        public var phone: String
        public var lines: [Line]
        public var total: Money { lines.reduce(.zero) { $0 + $1.due } }

        public init(
            name: String, inn: String, kpp: String, bankName: String, bic: String, account: String, phone: String,
            lines: [Line]
        ) {
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
    }

    /// Due for the period's services: charged + recalculations - privileges.
    public var charged: Money { principals.reduce(.zero) { $0 + $1.total } }
    /// The balance at the end of the period: opening + due + penalties - paid; negative is an
    /// advance.
    public var balance: Money { opening + charged + penalties - paid }
    /// What to pay: the balance, or nothing when it is an advance.
    public var total: Money { max(balance, .zero) }
    public var dueDate: CalendarDate { period.dueDate }

    /// The GOST R 56042-2014 payload for paying the whole document to the center's account.
    public func paymentQR(charset: PaymentQR.Charset = .utf8) -> PaymentQR {
        let bank = center.bankDetails
        var fields: [PaymentQR.Field] = [
            .init("Name", center.name),
            .init("PersonalAcc", bank.account.value),
            .init("BankName", bank.bankName),
            .init("BIC", bank.bic.value),
            .init("CorrespAcc", bank.correspondentAccount.value),
            .init("PayeeINN", center.inn.value),
            .init("KPP", center.kpp.value),
            .init("Sum", String(total.kopecks)),
            .init("Purpose", "Оплата ЖКУ за \(pad2(period.month)).\(period.year), ЛС \(account.value)"),
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
