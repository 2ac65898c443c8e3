public import Core

/// The data penalties are computed from, all dated rows (``RateRow``): key rates, the cap on the
/// rate, moratorium windows, the due-date calendar, days of grace, whether the payment day
/// counts, and how a debt paid after a cap's window is priced. New law is a new row, never an
/// edited constant: the defaults are rows the migrations ship, changed by `erc rates import`.
public struct PenaltyRules: Sendable, Hashable {
    public var rows: [RateRow]
    public private(set) var calendar: LegalCalendar
    var keyRates: [RateRow]
    var caps: [RateRow]
    var moratoria: [RateRow]

    public init(rows: [RateRow]) {
        self.rows = rows
        calendar = LegalCalendar(rows: rows)
        keyRates = rows.filter { $0.kind == .keyRate }.sorted { $0.from < $1.from }
        caps = rows.filter { $0.kind == .rateCap }.sorted { $0.from < $1.from }
        moratoria = rows.filter { $0.kind == .moratorium }
    }

    /// The value of the latest row of `kind` in force on `day`.
    func setting(_ kind: RateRow.Kind, on day: CalendarDate) -> Int? {
        rows.filter { $0.kind == kind && $0.from <= day }.max { $0.from < $1.from }?.value
    }

    /// The Bank of Russia key rate on `day`, in basis points.
    public func keyRate(on day: CalendarDate) -> Int {
        keyRates.last { $0.from <= day }?.value ?? 0
    }

    /// The rate in basis points for a payment made (or a debt valued) on `day`: min(cap, key
    /// rate) while a cap is in force on that day, the key rate otherwise.
    public func rate(on day: CalendarDate) -> Int {
        let key = keyRate(on: day)
        if let cap = caps.last(where: { $0.covers(day) }) { return min(cap.value ?? key, key) }
        return key
    }

    /// The rate for one day of delay `day` of a debt paid (or valued) on `paidOn`. Under a cap on
    /// the payment day, the capped rate; a payment after a cap's window prices the window's days
    /// at min(cap, key rate on the payment day) and the later days at that key rate (the
    /// literal reading of the decree, the default), or the whole delay at the key rate.
    func rate(forDay day: CalendarDate, paidOn: CalendarDate) -> Int {
        let capped = rate(on: paidOn)
        let key = keyRate(on: paidOn)
        guard capped == key, setting(.afterCap, on: paidOn) ?? 0 == 0,
            let cap = caps.last(where: { $0.covers(day) && ($0.through ?? $0.from) < paidOn })
        else { return capped }
        return min(cap.value ?? key, key)
    }

    func isMoratorium(_ day: CalendarDate) -> Bool { moratoria.contains { $0.covers(day) } }

    /// Days of grace for a debt falling due on `dueDate` (30 unless a row says otherwise).
    public func graceDays(dueOn dueDate: CalendarDate) -> Int { setting(.graceDays, on: dueDate) ?? 30 }

    /// Whether the day of payment `day` counts as a day of delay ("по день фактической оплаты").
    public func countsPaymentDay(_ day: CalendarDate) -> Bool { setting(.paymentDay, on: day) ?? 1 == 1 }
}
