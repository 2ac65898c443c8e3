public import Core

/// Splits a payment between the principals and services of a premises (DOMAIN.md section 7.1):
/// the payer's designation first (a principal's own QR code or requisites, a named service),
/// then the period the payment names, else the oldest debt first; within a period pro rata to
/// the amounts due, with largest-remainder rounding so the parts add up to the payment exactly;
/// penalties last; what is left over is an advance of the same principals and services.
public struct PaymentAllocator: Sendable {
    /// What is owed for one principal's service in one period.
    public struct Slice: Sendable, Hashable {
        public var principalINN: String
        public var serviceCode: String
        public var period: BillingPeriod
        public var due: Money
        public var isPenalty: Bool

        public init(
            principalINN: String, serviceCode: String, period: BillingPeriod, due: Money, isPenalty: Bool = false
        ) {
            self.principalINN = principalINN
            self.serviceCode = serviceCode
            self.period = period
            self.due = due
            self.isPenalty = isPenalty
        }
    }

    /// What the payer said the money is for.
    public struct Designation: Sendable, Hashable {
        public var principalINN: String?
        public var serviceCode: String?
        public var period: BillingPeriod?

        public init(principalINN: String? = nil, serviceCode: String? = nil, period: BillingPeriod? = nil) {
            self.principalINN = principalINN
            self.serviceCode = serviceCode
            self.period = period
        }
    }

    public struct Allocation: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable { case debt, penalty, advance }
        public var principalINN: String
        public var serviceCode: String
        /// The period paid for; for an advance, the period it was paid in.
        public var period: BillingPeriod
        public var amount: Money
        public var kind: Kind
    }

    public init() {}

    /// Allocates `payment` (positive) over `slices`. `advanceTo` names the period an advance
    /// belongs to and `advanceWeights` the services it goes to (the charges of the document
    /// paid); without them an advance follows the designated or the last slices.
    public func allocate(
        _ payment: Money, slices: [Slice], designation: Designation = Designation(), advanceTo period: BillingPeriod,
        advanceWeights: [Slice] = []
    ) -> [Allocation] {
        precondition(payment.kopecks > 0, "a payment to allocate is positive")
        func matches(_ slice: Slice) -> Bool {
            (designation.principalINN == nil || slice.principalINN == designation.principalINN)
                && (designation.serviceCode == nil || slice.serviceCode == designation.serviceCode)
        }
        let eligible = slices.filter { matches($0) && $0.due.kopecks > 0 }
        // The named period first, then the others oldest first; penalties after all debt.
        let named = designation.period
        var groups: [[Slice]] = []
        for isPenalty in [false, true] {
            let kind = eligible.filter { $0.isPenalty == isPenalty }
            if let named {
                groups.append(kind.filter { $0.period == named })
            }
            let periods = Set(kind.map(\.period)).filter { $0 != named }.sorted()
            groups += periods.map { period in kind.filter { $0.period == period } }
        }
        var left = payment
        var result: [Allocation] = []
        for group in groups where !group.isEmpty && left.kopecks > 0 {
            let due = group.reduce(Money.zero) { $0 + $1.due }
            let take = min(left, due)
            let parts = take.split(proportionalTo: group.map(\.due.kopecks))
            for (slice, part) in zip(group, parts) where part.kopecks > 0 {
                result.append(
                    Allocation(
                        principalINN: slice.principalINN, serviceCode: slice.serviceCode, period: slice.period,
                        amount: part, kind: slice.isPenalty ? .penalty : .debt))
            }
            left -= take
        }
        guard left.kopecks > 0 else { return result }
        // An advance stays with the designated principal and service, or spreads like the charges.
        var targets = advanceWeights.filter(matches)
        if targets.isEmpty { targets = eligible.filter { !$0.isPenalty } }
        if targets.isEmpty, let principal = designation.principalINN, let service = designation.serviceCode {
            targets = [Slice(principalINN: principal, serviceCode: service, period: period, due: Money(kopecks: 1))]
        }
        guard !targets.isEmpty else {
            result.append(
                Allocation(
                    principalINN: designation.principalINN ?? "", serviceCode: designation.serviceCode ?? "",
                    period: period, amount: left, kind: .advance))
            return result
        }
        let parts = left.split(proportionalTo: targets.map { max($0.due.kopecks, 0) })
        for (slice, part) in zip(targets, parts) where part.kopecks > 0 {
            result.append(
                Allocation(
                    principalINN: slice.principalINN, serviceCode: slice.serviceCode, period: period, amount: part,
                    kind: .advance))
        }
        return result
    }
}
