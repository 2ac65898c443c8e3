public import Core
public import Foundation
public import Storage

/// The center's calendar: days are local to Asia/Yekaterinburg (UTC+5), the configured zone.
public enum CenterCalendar {
    public static let timeZone =
        TimeZone(identifier: ProcessInfo.processInfo.environment["ERC_TIME_ZONE"] ?? "Asia/Yekaterinburg")
        ?? TimeZone(secondsFromGMT: 5 * 3600) ?? .gmt

    /// The center's clock in the configured zone.
    public static var clock: CenterClock { CenterClock(utcOffsetSeconds: timeZone.secondsFromGMT()) }

    /// Today in the center's zone: a default for commands a person runs, never read inside a
    /// computation.
    public static var today: CalendarDate {
        clock.day(atEpochSeconds: Int64(Date().timeIntervalSince1970))
    }

    /// Now as ISO 8601 with the zone's offset, for `createdAt` in files erc writes.
    public static var nowStamp: String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}

/// This process as the holder of a run's lock: the command, its process id and host, and when.
public enum Holder {
    public static func current(_ command: String) -> RunLock.Holder {
        RunLock.Holder(
            who: "\(command) (pid \(ProcessInfo.processInfo.processIdentifier) on \(ProcessInfo.processInfo.hostName))",
            since: CenterCalendar.nowStamp)
    }
}
