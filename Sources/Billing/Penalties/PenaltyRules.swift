public import Core

/// The data penalties are computed from, all with dates: key rates, the cap on the rate, and
/// moratorium windows in which no penalty accrues. New law is a new row, never an edited
/// constant.
public struct PenaltyRules: Sendable, Hashable {
    /// The Bank of Russia key rate (= refinancing rate since 2016) from a day on, in basis points.
    public struct KeyRate: Sendable, Hashable {
        public var from: CalendarDate
        public var basisPoints: Int
        public init(from: CalendarDate, basisPoints: Int) {
            self.from = from
            self.basisPoints = basisPoints
        }
    }

    /// A cap on the rate used for penalties: min(cap, key rate) for payment days in the window.
    public struct RateCap: Sendable, Hashable {
        public var from: CalendarDate
        public var through: CalendarDate
        public var basisPoints: Int
        public init(from: CalendarDate, through: CalendarDate, basisPoints: Int) {
            self.from = from
            self.through = through
            self.basisPoints = basisPoints
        }
    }

    /// Days on which no penalty accrues.
    public struct Moratorium: Sendable, Hashable {
        public var from: CalendarDate
        public var through: CalendarDate
        public var reason: String
        public init(from: CalendarDate, through: CalendarDate, reason: String) {
            self.from = from
            self.through = through
            self.reason = reason
        }
        func contains(_ day: CalendarDate) -> Bool { from <= day && day <= through }
    }

    public var keyRates: [KeyRate]
    public var caps: [RateCap]
    public var moratoria: [Moratorium]
    /// Whether the day of payment counts as a day of delay ("по день фактической оплаты").
    public var countPaymentDay: Bool

    public init(keyRates: [KeyRate], caps: [RateCap], moratoria: [Moratorium], countPaymentDay: Bool = true) {
        self.keyRates = keyRates.sorted { $0.from < $1.from }
        self.caps = caps
        self.moratoria = moratoria
        self.countPaymentDay = countPaymentDay
    }

    /// The rate in basis points for a payment made (or a debt valued) on `day`.
    public func rate(on day: CalendarDate) -> Int {
        let key = keyRates.last { $0.from <= day }?.basisPoints ?? 0
        if let cap = caps.first(where: { $0.from <= day && day <= $0.through }) {
            return min(cap.basisPoints, key)
        }
        return key
    }

    func isMoratorium(_ day: CalendarDate) -> Bool { moratoria.contains { $0.contains(day) } }

    /// A day of the rules below (each one a valid ISO day, as `PenaltyCalculatorTests` shows).
    private static func day(_ iso: String) -> CalendarDate { CalendarDate(iso: iso) ?? .clamped(2000, 1, 1) }

    /// The rules as of the end of 2026 (DOMAIN.md section 3.2): key rates from 2024, the 9.5 %
    /// cap of ПП 474/1681/2479/2382/329 through 31.12.2026, the 2020 COVID moratorium and the 2022
    /// bankruptcy moratorium (which covered only debts that arose before 01.04.2022; applied to
    /// all here, a simplification for debts of that time).
    public static let current = PenaltyRules(
        keyRates: [
            KeyRate(from: day("2022-02-28"), basisPoints: 2_000),
            KeyRate(from: day("2023-12-18"), basisPoints: 1_600),
            KeyRate(from: day("2024-10-28"), basisPoints: 2_100),
            KeyRate(from: day("2025-06-09"), basisPoints: 2_000),
            KeyRate(from: day("2025-07-28"), basisPoints: 1_800),
            KeyRate(from: day("2025-09-15"), basisPoints: 1_700),
            KeyRate(from: day("2025-10-27"), basisPoints: 1_650),
        ],
        caps: [RateCap(from: day("2022-02-28"), through: day("2026-12-31"), basisPoints: 950)],
        moratoria: [
            Moratorium(from: day("2020-04-06"), through: day("2020-12-31"), reason: "ПП РФ 02.04.2020 № 424"),
            Moratorium(from: day("2022-04-01"), through: day("2022-10-01"), reason: "ПП РФ 28.03.2022 № 497"),
        ])
}
