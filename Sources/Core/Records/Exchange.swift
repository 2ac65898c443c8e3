/// The header every exchange file starts with: whose file, which period, its id, when made.
public struct ExchangeHeader: Sendable, Hashable, Codable {
    public var principalINN: String
    public var period: BillingPeriod
    public var fileId: String
    /// ISO 8601 date and time with offset, as written in the file.
    public var createdAt: String

    public init(principalINN: String, period: BillingPeriod, fileId: String, createdAt: String) {
        self.principalINN = principalINN
        self.period = period
        self.fileId = fileId
        self.createdAt = createdAt
    }
}

/// The balance an account carries into a period for one principal's service: positive is
/// debt, negative an advance.
public struct OpeningBalance: Sendable, Hashable, Codable {
    public var account: PersonalAccountNumber
    public var serviceCode: String
    public var amount: Money
    /// The period the debt dates from (its due date starts the penalty clock); without it, the
    /// period before the file's.
    public var since: BillingPeriod?

    public init(account: PersonalAccountNumber, serviceCode: String, amount: Money, since: BillingPeriod? = nil) {
        self.account = account
        self.serviceCode = serviceCode
        self.amount = amount
        self.since = since
    }
}

/// A privilege (льгота) for the residents of a category entitled to it (veterans, disabled
/// people, large families), from a day until a day: a percent off their share of a service's
/// charge, or off the charge for the area within a social norm of area, or a fixed sum a month.
public struct Privilege: Sendable, Hashable, Codable {
    public var account: PersonalAccountNumber
    public var serviceCode: String
    /// The category code of the privilege, as the social protection office names it.
    public var category: String
    /// Residents of the premises entitled to it.
    public var residents: Int
    /// Percent off (1...100): of the entitled residents' share of the charge, or with
    /// `areaNormCenti` of the charge for the area within the norm; 0 for a fixed sum.
    public var percent: Int
    /// The social norm of area for the entitled residents together, hundredths of m².
    public var areaNormCenti: Int64?
    /// A fixed sum off the charge each month (never more than the charge).
    public var fixedAmount: Money?
    public var from: CalendarDate
    public var until: CalendarDate?

    public init(
        account: PersonalAccountNumber, serviceCode: String, category: String, residents: Int, percent: Int,
        areaNormCenti: Int64? = nil, fixedAmount: Money? = nil, from: CalendarDate, until: CalendarDate? = nil
    ) {
        self.account = account
        self.serviceCode = serviceCode
        self.category = category
        self.residents = residents
        self.percent = percent
        self.areaNormCenti = areaNormCenti
        self.fixedAmount = fixedAmount
        self.from = from
        self.until = until
    }
}

/// A correction of an earlier period, charged in the current one.
public struct Recalculation: Sendable, Hashable, Codable {
    public var account: PersonalAccountNumber
    public var serviceCode: String
    public var forPeriod: BillingPeriod
    /// Positive: an extra charge; negative: a reduction.
    public var amount: Money
    public var reason: String

    public init(
        account: PersonalAccountNumber, serviceCode: String, forPeriod: BillingPeriod, amount: Money, reason: String
    ) {
        self.account = account
        self.serviceCode = serviceCode
        self.forPeriod = forPeriod
        self.amount = amount
        self.reason = reason
    }
}

/// A meter reading as the center received it.
public struct MeterReading: Sendable, Hashable, Codable {
    public enum Channel: String, Sendable, Hashable, Codable, CaseIterable {
        case infomat, web, bot, messenger
        case contactCenter = "contact-center"
        case ivr, principal, bank
    }

    public var account: PersonalAccountNumber
    public var meterSerial: String
    public var serviceCode: String
    /// The value in thousandths of the unit.
    public var valueMilli: Int64
    public var takenOn: CalendarDate
    public var channel: Channel
    /// ISO 8601 instant (UTC) it was received.
    public var receivedAt: String

    public init(
        account: PersonalAccountNumber, meterSerial: String, serviceCode: String, valueMilli: Int64,
        takenOn: CalendarDate, channel: Channel, receivedAt: String
    ) {
        self.account = account
        self.meterSerial = meterSerial
        self.serviceCode = serviceCode
        self.valueMilli = valueMilli
        self.takenOn = takenOn
        self.channel = channel
        self.receivedAt = receivedAt
    }
}

/// Money allocated to a principal's service from one payment.
public struct AllocatedPayment: Sendable, Hashable, Codable {
    public var account: PersonalAccountNumber
    public var serviceCode: String
    public var paidOn: CalendarDate
    public var amount: Money
    /// Where the money came from: a bank registry and operation, an infomat transaction.
    public var source: String

    public init(
        account: PersonalAccountNumber, serviceCode: String, paidOn: CalendarDate, amount: Money, source: String
    ) {
        self.account = account
        self.serviceCode = serviceCode
        self.paidOn = paidOn
        self.amount = amount
        self.source = source
    }
}

/// The agent's report to a principal for a period.
public struct AgentReport: Sendable, Hashable, Codable {
    public struct Line: Sendable, Hashable, Codable {
        public var serviceCode: String
        public var payments: Int
        public var collected: Money
        public var fee: Money
        public var payout: Money { collected - fee }

        public init(serviceCode: String, payments: Int, collected: Money, fee: Money) {
            self.serviceCode = serviceCode
            self.payments = payments
            self.collected = collected
            self.fee = fee
        }
    }

    public var agreementNumber: String
    public var feeRule: String
    public var lines: [Line]

    public init(agreementNumber: String, feeRule: String, lines: [Line]) {
        self.agreementNumber = agreementNumber
        self.feeRule = feeRule
        self.lines = lines
    }

    public var collected: Money { lines.reduce(.zero) { $0 + $1.collected } }
    public var fee: Money { lines.reduce(.zero) { $0 + $1.fee } }
    public var payout: Money { lines.reduce(.zero) { $0 + $1.payout } }
}

/// An account that owes a principal money.
public struct Debtor: Sendable, Hashable, Codable {
    public var account: PersonalAccountNumber
    public var owner: String
    /// A former owner's last day: the debt of the days it owned the premises stays its own.
    public var ownedUntil: CalendarDate?
    public var address: String
    public var debt: Money
    public var oldestPeriod: BillingPeriod

    public init(
        account: PersonalAccountNumber, owner: String, ownedUntil: CalendarDate? = nil, address: String, debt: Money,
        oldestPeriod: BillingPeriod
    ) {
        self.account = account
        self.owner = owner
        self.ownedUntil = ownedUntil
        self.address = address
        self.debt = debt
        self.oldestPeriod = oldestPeriod
    }
}
