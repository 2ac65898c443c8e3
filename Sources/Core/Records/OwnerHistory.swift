/// The owners of one premises over time: the owner it was registered with, then each change of
/// owner from its day. Debt follows the owner of the days it was incurred in (ЖК ст. 153 ч. 2
/// п. 5), except capital-repair contributions, whose debt passes to each new owner (ЖК ст. 158
/// ч. 3).
public struct OwnerHistory: Sendable, Hashable, Codable {
    /// A change of owner: `name` owns the premises from `since`.
    public struct Change: Sendable, Hashable, Codable {
        public var since: CalendarDate
        public var name: String

        public init(since: CalendarDate, name: String) {
            self.since = since
            self.name = name
        }
    }

    /// One owner's time: from `from` (nil: since the premises was registered) through `until`
    /// (its last day; nil: still the owner).
    public struct Span: Sendable, Hashable, Codable {
        public var name: String
        public var from: CalendarDate?
        public var until: CalendarDate?

        public init(name: String, from: CalendarDate?, until: CalendarDate?) {
            self.name = name
            self.from = from
            self.until = until
        }
    }

    /// The owner the premises was registered with.
    public var first: String
    /// The changes, by day.
    public private(set) var changes: [Change]

    public init(first: String, changes: [Change] = []) {
        self.first = first
        self.changes = changes.sorted { $0.since < $1.since }
    }

    /// The owner on `day`.
    public func owner(on day: CalendarDate) -> String {
        changes.last(where: { $0.since <= day })?.name ?? first
    }

    /// Every owner's time, in order.
    public var spans: [Span] {
        var spans = [Span(name: first, from: nil, until: changes.first.map { $0.since.adding(days: -1) })]
        for (index, change) in changes.enumerated() {
            let next = index + 1 < changes.count ? changes[index + 1].since.adding(days: -1) : nil
            spans.append(Span(name: change.name, from: change.since, until: next))
        }
        return spans
    }

    /// The index in ``spans`` of the owner on `day`.
    public func span(on day: CalendarDate) -> Int {
        changes.lastIndex(where: { $0.since <= day }).map { $0 + 1 } ?? 0
    }

    /// How many days of `period` each owner held the premises: one weight a span, for splitting
    /// the period's debt (`Money.split(proportionalTo:)`).
    public func days(in period: BillingPeriod) -> [Int64] {
        var weights = [Int64](repeating: 0, count: changes.count + 1)
        let first = span(on: period.firstDay)
        let last = span(on: period.lastDay)
        if first == last {
            weights[first] = Int64(period.firstDay.days(until: period.lastDay) + 1)
            return weights
        }
        var day = period.firstDay
        while day <= period.lastDay {
            weights[span(on: day)] += 1
            day = day.adding(days: 1)
        }
        return weights
    }

    /// The first day of the period of the latest change on or before `day`: a payment made then
    /// pays the debt of its payer's own periods first (from this period on), then older debt.
    public func ownPeriodsStart(on day: CalendarDate) -> BillingPeriod? {
        changes.last(where: { $0.since <= day }).map { BillingPeriod(containing: $0.since) }
    }
}
