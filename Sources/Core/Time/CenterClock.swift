/// The center's local time as arithmetic on an instant: days (reading windows, same-day
/// merges) are days in the configured zone (Asia/Yekaterinburg, UTC+5, without daylight
/// saving since 2014). The caller reads the wall clock and passes the instant in, so nothing
/// below the outer layer reads it.
public struct CenterClock: Sendable, Hashable {
    /// The zone's offset from UTC in seconds.
    public var utcOffsetSeconds: Int

    public init(utcOffsetSeconds: Int = 5 * 3600) {
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// The local day of an instant given in seconds since 1970-01-01 UTC.
    public func day(atEpochSeconds seconds: Int64) -> CalendarDate {
        let local = seconds + Int64(utcOffsetSeconds)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        return CalendarDate(dayNumber: Int(days))
    }

    /// The instant as ISO 8601 local time with the zone's offset: 2026-11-26T09:30:00+05:00.
    public func stamp(atEpochSeconds seconds: Int64) -> String {
        let local = seconds + Int64(utcOffsetSeconds)
        let day = self.day(atEpochSeconds: seconds)
        let secondOfDay = Int(local - Int64(day.dayNumber) * 86_400)
        let offset = abs(utcOffsetSeconds)
        return "\(day)T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
            + (utcOffsetSeconds < 0 ? "-" : "+") + "\(two(offset / 3600)):\(two(offset / 60 % 60))"
    }

    private func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

extension Duration {
    /// Milliseconds with one decimal, for logs: "12.5 ms".
    public var loggedMilliseconds: String {
        let tenths = components.seconds * 10_000 + components.attoseconds / 100_000_000_000_000
        return "\(tenths / 10).\(abs(tenths % 10)) ms"
    }
}
