import Core
public import ERCTestSupport
import Intake
public import Storage

/// Readings from every channel into a generated region, the same on every driver: one accepted
/// per channel, each rejection reason, a retry with the same key stored once, a duplicate from
/// another channel linked, a late reading moved to the next period, a rollover and an expired
/// verification flagged.
public enum ReadingScenarios {
    static func expect(_ condition: Bool, _ message: String) throws {
        if !condition { throw RoundTripFailure(kind: "readings", message: message) }
    }

    static func rejected(_ code: ReadingRejection.Code, _ body: () throws -> Void) throws {
        do {
            try body()
            throw RoundTripFailure(kind: "readings", message: "accepted what should be refused as \(code)")
        } catch let rejection as ReadingRejection {
            try expect(rejection.code == code, "refused as \(rejection.code), not \(code): \(rejection.message)")
        }
    }

    public static func run(on connection: any Connection, in folder: TemporaryDirectory) throws {
        try BillingScenarios.loadRegion(connection, premises: 30, in: folder)
        let intake = ReadingIntake(connection: connection, today: CalendarDate(iso: "2026-11-26")!)
        // A cold-water meter in verification, with its last reading.
        guard
            let meter = try connection.first(
                """
                SELECT m.account_number, m.serial, COALESCE(MAX(r.value_milli), m.initial_reading_milli, 0) FROM meters m
                LEFT JOIN readings r ON r.principal_id = m.principal_id AND r.meter_serial = m.serial
                WHERE m.service_code = 'CW' AND m.verified_until > '2027-01-01'
                GROUP BY m.account_number, m.serial, m.initial_reading_milli ORDER BY m.account_number LIMIT 1
                """)
        else { throw RoundTripFailure(kind: "readings", message: "no meter to read") }
        let account = try PersonalAccountNumber(try meter.string(0))
        let serial = try meter.string(1)
        var value = try meter.int64(2)
        func submission(
            _ value: Int64, _ day: String, _ channel: MeterReading.Channel, key: String? = nil
        ) -> ReadingSubmission {
            ReadingSubmission(
                account: account, meter: serial, valueMilli: value, takenOn: CalendarDate(iso: day)!, channel: channel,
                receivedAt: "\(day)T09:00:00Z", idempotencyKey: key)
        }
        let before = try connection.scalar("SELECT COUNT(*) FROM readings")
        var ids: [Int64] = []
        let channels: [MeterReading.Channel] = [.infomat, .web, .bot, .messenger, .contactCenter, .ivr]
        for (index, channel) in channels.enumerated() {
            value += 1_250
            let ack = try intake.submit(
                submission(value, "2026-11-0\(index + 1)", channel, key: "k-\(channel.rawValue)"))
            try expect(ack.period == BillingPeriod("2026-11")!, "\(channel): period \(ack.period)")
            try expect(ack.duplicateOf == nil && ack.flags.isEmpty, "\(channel): \(ack)")
            ids.append(ack.id)
        }
        try expect(Set(ids).count == channels.count, "acknowledgement ids repeat: \(ids)")
        // A retry with the same key: the same answer, nothing stored.
        let retry = try intake.submit(submission(value, "2026-11-06", .ivr, key: "k-ivr"))
        try expect(retry.id == ids.last!, "a retry got another id")
        try expect(
            try connection.scalar("SELECT COUNT(*) FROM readings") == before + Int64(channels.count),
            "a retry was stored")
        // The same value, meter and day from another channel: linked to the first.
        let duplicate = try intake.submit(submission(value, "2026-11-06", .web))
        try expect(duplicate.duplicateOf == ids.last!, "not linked as a duplicate: \(duplicate)")
        // After the 25th: the next period.
        value += 900
        let late = try intake.submit(submission(value, "2026-11-26", .bot))
        try expect(late.period == BillingPeriod("2026-12")!, "a late reading counts for \(late.period)")
        // Every rejection, each storing nothing.
        let count = try connection.scalar("SELECT COUNT(*) FROM readings")
        try rejected(.meterNotFound) {
            _ = try intake.submit(
                ReadingSubmission(
                    account: account, meter: "NOPE", valueMilli: 1, takenOn: CalendarDate(iso: "2026-11-20")!,
                    channel: .web,
                    receivedAt: "2026-11-20T09:00:00Z"))
        }
        try rejected(.takenInFuture) { _ = try intake.submit(submission(value + 10, "2026-11-27", .web)) }
        // A meter taken off refuses readings from that day, and takes them before it.
        try connection.execute(
            "UPDATE meters SET removed_on = '2026-11-25' WHERE account_number = ? AND serial = ?", [account, serial])
        try rejected(.meterRemoved) { _ = try intake.submit(submission(value + 10, "2026-11-25", .web)) }
        try connection.execute(
            "UPDATE meters SET removed_on = NULL WHERE account_number = ? AND serial = ?", [account, serial])
        try rejected(.tooManyDigits) { _ = try intake.submit(submission(100_000_000, "2026-11-26", .web)) }
        try rejected(.belowPrevious) { _ = try intake.submit(submission(value - 5_000, "2026-11-26", .web)) }
        try rejected(.implausible) { _ = try intake.submit(submission(value + 31_000, "2026-11-26", .web)) }
        try rejected(.takenBeforeInstalled) { _ = try intake.submit(submission(value, "2018-01-10", .web)) }
        try expect(try connection.scalar("SELECT COUNT(*) FROM readings") == count, "a refused reading was stored")
        // A counter that rolls over its five digits.
        try connection.execute(
            """
            INSERT INTO readings (principal_id, meter_serial, account_number, service_code, value_milli, taken_on, channel,
                                  received_at, period)
            SELECT principal_id, serial, account_number, service_code, 99998000, '2026-11-26', 'web', '2026-11-26T10:00:00Z', '2026-12'
            FROM meters WHERE serial = ?
            """, [serial])
        let rolled = try intake.submit(submission(1_500, "2026-11-26", .infomat))
        try expect(rolled.flags.contains(.rolledOver) && rolled.consumptionMilli == 3_500, "rollover: \(rolled)")
        // A meter past its verification date: accepted, flagged.
        if let expired = try connection.first(
            "SELECT account_number, serial, COALESCE(initial_reading_milli, 0) FROM meters WHERE verified_until < '2026-11-01' AND service_code = 'CW' ORDER BY serial LIMIT 1"
        ) {
            let ack = try intake.submit(
                ReadingSubmission(
                    account: try PersonalAccountNumber(try expired.string(0)), meter: try expired.string(1),
                    valueMilli: (try connection.scalar(
                        "SELECT COALESCE(MAX(value_milli), 0) FROM readings WHERE meter_serial = ?",
                        [try expired.string(1)])).advanced(by: 1_000) % 100_000_000,
                    takenOn: CalendarDate(iso: "2026-11-20")!, channel: .contactCenter,
                    receivedAt: "2026-11-20T09:00:00Z"))
            try expect(ack.flags.contains(.verificationExpired), "an expired meter was not flagged: \(ack)")
        }
    }
}
