/// A principal's agency agreement with the center, in force from `effectiveFrom` until a later
/// version replaces it.
public struct AgencyAgreement: Sendable, Hashable, Codable {
    /// The agent's fee: a share of the money collected, or a fixed sum per payment.
    public enum Fee: Sendable, Hashable, Codable, CustomStringConvertible {
        /// Basis points of the money collected (150 is 1.50 %).
        case basisPoints(Int)
        case perPayment(Money)

        /// The fee on `collected` money in `payments` payments, rounded once.
        public func fee(collected: Money, payments: Int) -> Money {
            switch self {
            case .basisPoints(let points):
                Money.rounded(numerator: collected.kopecks * Int64(points), denominator: 10_000)
            case .perPayment(let sum): Money(kopecks: sum.kopecks * Int64(payments))
            }
        }

        public var description: String {
            switch self {
            case .basisPoints(let points): "\(points / 100),\(pad(points % 100, 2)) % of money collected"
            case .perPayment(let sum): "\(sum) руб. per payment"
            }
        }
    }

    public enum PayoutSchedule: String, Sendable, Hashable, Codable, CaseIterable {
        case daily, weekly, monthly
    }

    /// Whose account customers pay into: the center's (the whole-ЕПД QR code) or the principal's
    /// own (a QR code of its own on the ЕПД).
    public enum Payee: String, Sendable, Hashable, Codable, CaseIterable {
        case center, own
    }

    public var number: String
    public var signedOn: CalendarDate
    public var effectiveFrom: CalendarDate
    public var fee: Fee
    public var payoutSchedule: PayoutSchedule
    public var payee: Payee

    public init(
        number: String, signedOn: CalendarDate, effectiveFrom: CalendarDate, fee: Fee,
        payoutSchedule: PayoutSchedule, payee: Payee
    ) {
        self.number = number
        self.signedOn = signedOn
        self.effectiveFrom = effectiveFrom
        self.fee = fee
        self.payoutSchedule = payoutSchedule
        self.payee = payee
    }
}

/// Where a principal is in its life with the center. Only an active principal is billed; a
/// terminated one's debt stays collectable.
public enum PrincipalStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case draft, active, suspended, terminated

    /// The statuses this one may move to.
    public var next: Set<PrincipalStatus> {
        switch self {
        case .draft: [.active, .terminated]
        case .active: [.suspended, .terminated]
        case .suspended: [.active, .terminated]
        case .terminated: []
        }
    }
}
