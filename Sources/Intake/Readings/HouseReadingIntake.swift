public import Core
public import Storage

/// A reading of a house meter (ОДПУ), from a principal's readings file or another channel.
public struct HouseReadingSubmission: Sendable, Hashable {
    public var house: String
    public var meter: String
    public var valueMilli: Int64
    public var takenOn: CalendarDate
    public var channel: MeterReading.Channel
    /// ISO 8601 instant it was received.
    public var receivedAt: String
    public var idempotencyKey: String?

    public init(
        house: String, meter: String, valueMilli: Int64, takenOn: CalendarDate, channel: MeterReading.Channel,
        receivedAt: String, idempotencyKey: String? = nil
    ) {
        self.house = house
        self.meter = meter
        self.valueMilli = valueMilli
        self.takenOn = takenOn
        self.channel = channel
        self.receivedAt = receivedAt
        self.idempotencyKey = idempotencyKey
    }
}

/// Takes house meters' readings by the rules every reading passes (``MeterFacts``), with the
/// house meters' own ceiling of monthly consumption, into `house_readings`: the one writer of
/// that table. A retry with the same idempotency key stores nothing and answers the same; the
/// same meter, day and value again is linked to the first.
public struct HouseReadingIntake {
    let connection: any Connection
    let rules: ReadingRules
    let today: CalendarDate

    public init(connection: any Connection, rules: ReadingRules = .standard, today: CalendarDate) {
        self.connection = connection
        self.rules = rules
        self.today = today
    }

    /// Checks and stores one reading; `principal` limits the house meters looked at to one
    /// principal's.
    public func submit(
        _ reading: HouseReadingSubmission, principal only: Int64? = nil
    ) throws
        -> ReadingAcknowledgement
    {
        if let key = reading.idempotencyKey, let held = try acknowledgement(key: key, for: reading) { return held }
        guard
            let meter = try connection.first(
                """
                SELECT m.principal_id, m.digits, m.installed_on, m.verified_until, COALESCE(m.initial_reading_milli, 0),
                       COALESCE(s.readings_due_day, 25), m.removed_on,
                       (SELECT r.value_milli FROM house_readings r
                        WHERE r.principal_id = m.principal_id AND r.meter_serial = m.serial AND r.taken_on <= ?
                        ORDER BY r.taken_on DESC, r.id DESC LIMIT 1),
                       (SELECT r.id FROM house_readings r
                        WHERE r.principal_id = m.principal_id AND r.meter_serial = m.serial AND r.taken_on = ?
                          AND r.value_milli = ? ORDER BY r.id LIMIT 1),
                       (SELECT r.value_milli FROM house_readings r
                        WHERE r.principal_id = m.principal_id AND r.meter_serial = m.serial AND r.taken_on > ?
                        ORDER BY r.taken_on, r.id LIMIT 1),
                       (SELECT MIN(r.taken_on) FROM house_readings r
                        WHERE r.principal_id = m.principal_id AND r.meter_serial = m.serial AND r.taken_on > ?),
                       (SELECT MAX(period) FROM closed_periods)
                FROM house_meters m LEFT JOIN services s ON s.principal_id = m.principal_id AND s.code = m.service_code
                WHERE m.house_code = ? AND m.serial = ? AND (CAST(? AS BIGINT) IS NULL OR m.principal_id = ?)
                """,
                [
                    reading.takenOn, reading.takenOn, reading.valueMilli, reading.takenOn, reading.takenOn,
                    reading.house, reading.meter, only, only,
                ])
        else {
            throw ReadingRejection(
                code: .meterNotFound, message: "no house meter \(reading.meter) is registered on house \(reading.house)"
            )
        }
        let facts = MeterFacts(
            digits: try meter.int(1), installedOn: try meter.date(2), verifiedUntil: try meter.date(3),
            removedOn: meter.isNull(6) ? nil : try meter.date(6),
            previousMilli: meter.isNull(7) ? try meter.int64(4) : try meter.int64(7),
            later: meter.isNull(9) ? nil : (try meter.int64(9), try meter.date(10)), readingsDueDay: try meter.int(5),
            lastClosed: meter.isNull(11) ? nil : try meter.period(11))
        let verdict = try facts.judge(
            valueMilli: reading.valueMilli, takenOn: reading.takenOn, today: today,
            ceilingMilli: rules.houseCeilingMilli, connection: connection)
        if !meter.isNull(8) {
            // The same meter, day and value stored before, from any channel: nothing more to store.
            return ReadingAcknowledgement(
                id: try meter.int64(8), period: verdict.period, consumptionMilli: 0, flags: verdict.flags,
                duplicateOf: try meter.int64(8))
        }
        guard
            let id = try connection.first(
                """
                INSERT INTO house_readings (principal_id, meter_serial, house_code, value_milli, taken_on, period, channel,
                                            received_at, consumption_milli, flags, idempotency_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
                """,
                [
                    try meter.int64(0), reading.meter, reading.house, reading.valueMilli, reading.takenOn,
                    verdict.period, reading.channel.rawValue, reading.receivedAt, verdict.consumptionMilli,
                    verdict.flags.map(\.rawValue).joined(separator: ","), reading.idempotencyKey,
                ])?.int64(0)
        else {
            guard let key = reading.idempotencyKey, let held = try acknowledgement(key: key, for: reading) else {
                throw ReadingRejection(code: .notStored, message: "the reading was not stored: send it again")
            }
            return held
        }
        return ReadingAcknowledgement(
            id: id, period: verdict.period, consumptionMilli: verdict.consumptionMilli, flags: verdict.flags,
            duplicateOf: nil)
    }

    /// The answer given before to a request with this key; refused when it was for another reading.
    private func acknowledgement(key: String, for reading: HouseReadingSubmission) throws -> ReadingAcknowledgement? {
        guard
            let row = try connection.first(
                """
                SELECT id, period, flags, consumption_milli, house_code, meter_serial, value_milli, taken_on
                FROM house_readings WHERE idempotency_key = ?
                """, [key])
        else { return nil }
        guard try row.string(4) == reading.house, try row.string(5) == reading.meter,
            try row.int64(6) == reading.valueMilli, try row.date(7) == reading.takenOn
        else {
            throw ReadingRejection(
                code: .keyReused,
                message: "this idempotency key was used for another reading: use a new key for a new reading")
        }
        let flags = ReadingAcknowledgement.Flag.stored(try row.optionalString(2))
        return ReadingAcknowledgement(
            id: try row.int64(0), period: try row.period(1), consumptionMilli: try row.int64(3), flags: flags,
            duplicateOf: nil, replayed: true)
    }
}
