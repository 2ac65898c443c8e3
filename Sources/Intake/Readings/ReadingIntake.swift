public import Core
public import Storage

/// A meter reading sent through a channel: the infomat, the web site, the bot, a messenger, the
/// contact center, IVR, a bank with a payment, a principal.
public struct ReadingSubmission: Sendable, Hashable {
    public var account: PersonalAccountNumber
    public var meter: String
    public var valueMilli: Int64
    public var takenOn: CalendarDate
    public var channel: MeterReading.Channel
    /// ISO 8601 instant it was received.
    public var receivedAt: String
    /// The sender's key for this request: a retry with the same key gets the same answer.
    public var idempotencyKey: String?

    public init(
        account: PersonalAccountNumber, meter: String, valueMilli: Int64, takenOn: CalendarDate,
        channel: MeterReading.Channel, receivedAt: String, idempotencyKey: String? = nil
    ) {
        self.account = account
        self.meter = meter
        self.valueMilli = valueMilli
        self.takenOn = takenOn
        self.channel = channel
        self.receivedAt = receivedAt
        self.idempotencyKey = idempotencyKey
    }
}

/// The answer to an accepted reading: its acknowledgement id, the period it counts for, what
/// to look at, and whether it repeats one stored before.
public struct ReadingAcknowledgement: Sendable, Hashable {
    public enum Flag: String, Sendable, Hashable, Codable {
        /// The meter is past its verification date: the reading is kept, billing uses the norm.
        case verificationExpired = "verification-expired"
        /// The counter rolled over its digits since the previous reading.
        case rolledOver = "rolled-over"

        /// The flags as stored, comma-separated.
        static func stored(_ text: String?) -> [Flag] {
            text.map { $0.split(separator: ",").compactMap { Flag(rawValue: String($0)) } } ?? []
        }
    }

    public var id: Int64
    public var period: BillingPeriod
    public var consumptionMilli: Int64
    public var flags: [Flag]
    /// The same meter, day and value came before (from any channel): this one is linked to it.
    public var duplicateOf: Int64?
    /// This answer repeats the one given to an earlier request with the same idempotency key.
    public var replayed = false
}

/// A reading refused, with a stable code and a reason a person can act on.
public struct ReadingRejection: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public static let meterNotFound = Code("meter-not-found")
        public static let takenInFuture = Code("taken-in-future")
        public static let takenBeforeInstalled = Code("taken-before-installed")
        /// The meter was taken off (dismantled or replaced) on or before the day of the reading.
        public static let meterRemoved = Code("meter-removed")
        public static let tooManyDigits = Code("too-many-digits")
        public static let belowPrevious = Code("below-previous")
        /// Taken before a reading already held, and above it (unless the counter rolled over between).
        public static let aboveLater = Code("above-later-reading")
        public static let implausible = Code("implausible-consumption")
        /// A conflict while storing (not a rule): sending the same reading again is safe.
        public static let notStored = Code("not-stored")
        /// The idempotency key was used before for a different reading.
        public static let keyReused = Code("idempotency-key-reused")
        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String
    public var description: String { "\(code): \(message)" }
}

/// The rules a reading must pass, as data: a ceiling of monthly consumption per service code
/// (anything above is refused as implausible), and the default for others.
public struct ReadingRules: Sendable, Hashable {
    public var ceilingMilli: [String: Int64]
    public var defaultCeilingMilli: Int64
    /// The ceiling of a house meter's (ОДПУ) monthly consumption, whatever its resource.
    public var houseCeilingMilli: Int64

    public init(
        ceilingMilli: [String: Int64] = [:], defaultCeilingMilli: Int64 = 100_000,
        houseCeilingMilli: Int64 = 100_000_000
    ) {
        self.ceilingMilli = ceilingMilli
        self.defaultCeilingMilli = defaultCeilingMilli
        self.houseCeilingMilli = houseCeilingMilli
    }

    /// 30 m³ of water a month, 3,000 kWh of electricity, 100 units of anything else.
    public static let standard = ReadingRules(
        ceilingMilli: ["CW": 30_000, "HW": 30_000, "EL": 3_000_000, "ELD": 3_000_000, "ELN": 3_000_000, "GAS": 300_000])
}

/// Takes meter readings from every channel (DOMAIN.md section 4): the meter must be on the
/// account; the value may not be below the previous reading unless the counter rolled over,
/// and the consumption must be under the service's ceiling; a reading taken after the service's
/// readings day (or in a closed period) counts for the next open period; a meter past its
/// verification date is accepted and flagged. A retry with the same idempotency key stores
/// nothing and answers the same; the same value for the same meter and day from another channel
/// is stored linked to the first as a duplicate.
public struct ReadingIntake {
    let connection: any Connection
    let rules: ReadingRules
    /// The center's calendar day now: readings cannot be taken after it.
    let today: CalendarDate

    public init(connection: any Connection, rules: ReadingRules = .standard, today: CalendarDate) {
        self.connection = connection
        self.rules = rules
        self.today = today
    }

    /// Checks and stores one reading. `principal` limits the meters looked at to one principal's
    /// (a principal's own key). Two statements: one read of everything the rules need, one
    /// insert that a retry with the same key cannot repeat.
    public func submit(_ reading: ReadingSubmission, principal only: Int64? = nil) throws -> ReadingAcknowledgement {
        do {
            return try check(reading, principal: only)
        } catch let rejection as ReadingRejection {
            // A retry of a reading accepted before gets the first answer, whatever changed since.
            if let key = reading.idempotencyKey, let held = try acknowledgement(key: key, for: reading) { return held }
            throw rejection
        }
    }

    private func check(_ reading: ReadingSubmission, principal only: Int64?) throws -> ReadingAcknowledgement {
        guard
            let meter = try connection.first(
                """
                SELECT m.principal_id, m.service_code, m.digits, m.installed_on, m.verified_until,
                       COALESCE(m.initial_reading_milli, 0), COALESCE(s.readings_due_day, 25),
                       (SELECT r.value_milli FROM readings r
                        WHERE r.principal_id = m.principal_id AND r.meter_serial = m.serial AND r.taken_on <= ?
                        ORDER BY r.taken_on DESC, r.id DESC LIMIT 1),
                       (SELECT r.id FROM readings r
                        WHERE r.principal_id = m.principal_id AND r.meter_serial = m.serial AND r.taken_on = ?
                          AND r.value_milli = ? AND r.duplicate_of IS NULL
                        ORDER BY r.id LIMIT 1),
                       (SELECT MAX(period) FROM closed_periods), m.removed_on,
                       (SELECT r.value_milli FROM readings r
                        WHERE r.principal_id = m.principal_id AND r.meter_serial = m.serial AND r.taken_on > ?
                        ORDER BY r.taken_on, r.id LIMIT 1),
                       (SELECT MIN(r.taken_on) FROM readings r
                        WHERE r.principal_id = m.principal_id AND r.meter_serial = m.serial AND r.taken_on > ?)
                FROM meters m LEFT JOIN services s ON s.principal_id = m.principal_id AND s.code = m.service_code
                WHERE m.account_number = ? AND m.serial = ? AND (CAST(? AS BIGINT) IS NULL OR m.principal_id = ?)
                """,
                [
                    reading.takenOn, reading.takenOn, reading.valueMilli, reading.takenOn, reading.takenOn,
                    reading.account,
                    reading.meter, only, only,
                ])
        else {
            throw ReadingRejection(
                code: .meterNotFound,
                message: "no meter \(reading.meter) is registered on account \(reading.account.value)")
        }
        let principal = try meter.int64(0)
        let service = try meter.string(1)
        let facts = MeterFacts(
            digits: try meter.int(2), installedOn: try meter.date(3), verifiedUntil: try meter.date(4),
            removedOn: meter.isNull(10) ? nil : try meter.date(10),
            previousMilli: meter.isNull(7) ? try meter.int64(5) : try meter.int64(7),
            later: meter.isNull(11) ? nil : (try meter.int64(11), try meter.date(12)), readingsDueDay: try meter.int(6),
            lastClosed: meter.isNull(9) ? nil : try meter.period(9))
        let verdict = try facts.judge(
            valueMilli: reading.valueMilli, takenOn: reading.takenOn, today: today,
            ceilingMilli: rules.ceilingMilli[service] ?? rules.defaultCeilingMilli, connection: connection)
        var consumption = verdict.consumptionMilli
        let (flags, period) = (verdict.flags, verdict.period)
        let original = meter.isNull(8) ? nil : try meter.int64(8)
        if original != nil { consumption = 0 }
        guard
            let id = try connection.first(
                """
                INSERT INTO readings (principal_id, meter_serial, account_number, service_code, value_milli, taken_on,
                                      channel, received_at, period, idempotency_key, duplicate_of, flags, consumption_milli)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
                """,
                [
                    principal, reading.meter, reading.account, service, reading.valueMilli, reading.takenOn,
                    reading.channel.rawValue, reading.receivedAt, period, reading.idempotencyKey, original,
                    flags.map(\.rawValue).joined(separator: ","), consumption,
                ])?.int64(0)
        else {
            // The same key stored a moment ago (a retry racing the first request): its answer.
            guard let key = reading.idempotencyKey, let held = try acknowledgement(key: key, for: reading) else {
                throw ReadingRejection(code: .notStored, message: "the reading was not stored: send it again")
            }
            return held
        }
        return ReadingAcknowledgement(
            id: id, period: period, consumptionMilli: consumption, flags: flags, duplicateOf: original)
    }

    /// The answer given before to a request with this key; refused when that request was for
    /// another reading.
    private func acknowledgement(key: String, for reading: ReadingSubmission) throws -> ReadingAcknowledgement? {
        guard
            let row = try connection.first(
                """
                SELECT id, period, flags, duplicate_of, consumption_milli, account_number, meter_serial, value_milli, taken_on
                FROM readings WHERE idempotency_key = ?
                """, [key])
        else { return nil }
        guard try row.string(5) == reading.account.value, try row.string(6) == reading.meter,
            try row.int64(7) == reading.valueMilli, try row.date(8) == reading.takenOn
        else {
            throw ReadingRejection(
                code: .keyReused,
                message: "this idempotency key was used for another reading: use a new key for a new reading")
        }
        let flags = ReadingAcknowledgement.Flag.stored(try row.optionalString(2))
        return ReadingAcknowledgement(
            id: try row.int64(0), period: try row.period(1), consumptionMilli: row.isNull(4) ? 0 : try row.int64(4),
            flags: flags,
            duplicateOf: try row.optionalInt64(3), replayed: true)
    }
}
