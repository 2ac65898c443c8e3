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
    }

    public var id: Int64
    public var period: BillingPeriod
    public var consumptionMilli: Int64
    public var flags: [Flag]
    /// The same meter, day and value came before (from any channel): this one is linked to it.
    public var duplicateOf: Int64?
}

/// A reading refused, with a stable code and a reason a person can act on.
public struct ReadingRejection: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public static let meterNotFound = Code("meter-not-found")
        public static let takenInFuture = Code("taken-in-future")
        public static let takenBeforeInstalled = Code("taken-before-installed")
        public static let tooManyDigits = Code("too-many-digits")
        public static let belowPrevious = Code("below-previous")
        public static let implausible = Code("implausible-consumption")
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

    public init(ceilingMilli: [String: Int64] = [:], defaultCeilingMilli: Int64 = 100_000) {
        self.ceilingMilli = ceilingMilli
        self.defaultCeilingMilli = defaultCeilingMilli
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

    public func submit(_ reading: ReadingSubmission) throws -> ReadingAcknowledgement {
        try connection.withTransaction {
            if let key = reading.idempotencyKey, let held = try acknowledgement(key: key) { return held }
            guard let meter = try connection.first(
                """
                SELECT m.principal_id, m.service_code, m.digits, m.installed_on, m.verified_until,
                       COALESCE(m.initial_reading_milli, 0), COALESCE(s.readings_due_day, 25)
                FROM meters m LEFT JOIN services s ON s.principal_id = m.principal_id AND s.code = m.service_code
                WHERE m.account_number = ? AND m.serial = ?
                """, [reading.account, reading.meter])
            else {
                throw ReadingRejection(
                    code: .meterNotFound, message: "no meter \(reading.meter) is registered on account \(reading.account.value)")
            }
            let principal = try meter.int64(0)
            let service = try meter.string(1)
            guard reading.takenOn <= today else {
                throw ReadingRejection(code: .takenInFuture, message: "a reading cannot be taken after today, \(today)")
            }
            guard reading.takenOn >= (try meter.date(3)) else {
                throw ReadingRejection(code: .takenBeforeInstalled, message: "the meter was installed on \(try meter.date(3))")
            }
            var capacity: Int64 = 1_000
            for _ in 0..<(try meter.int(2)) { capacity *= 10 }
            guard reading.valueMilli >= 0, reading.valueMilli < capacity else {
                throw ReadingRejection(
                    code: .tooManyDigits, message: "the meter shows \(try meter.int(2)) digits before the decimal point")
            }
            let previous = try connection.first(
                """
                SELECT value_milli FROM readings WHERE principal_id = ? AND meter_serial = ? AND taken_on <= ?
                ORDER BY taken_on DESC, id DESC LIMIT 1
                """, [principal, reading.meter, reading.takenOn]
            ).map { try $0.int64(0) } ?? (try meter.int64(5))
            var flags: [ReadingAcknowledgement.Flag] = []
            var consumption = reading.valueMilli - previous
            let ceiling = rules.ceilingMilli[service] ?? rules.defaultCeilingMilli
            if consumption < 0 {
                let rolled = capacity - previous + reading.valueMilli
                guard rolled <= ceiling else {
                    throw ReadingRejection(
                        code: .belowPrevious,
                        message: "\(formatMilli(reading.valueMilli)) is below the previous reading \(formatMilli(previous))")
                }
                consumption = rolled
                flags.append(.rolledOver)
            }
            guard consumption <= ceiling else {
                throw ReadingRejection(
                    code: .implausible,
                    message: "\(formatMilli(consumption)) since the previous reading is above the ceiling of \(formatMilli(ceiling))")
            }
            if try meter.date(4) < reading.takenOn { flags.append(.verificationExpired) }
            let month = BillingPeriod(year: reading.takenOn.year, month: reading.takenOn.month)!
            var period = reading.takenOn.day <= (try meter.int(6)) ? month : month.next
            while try connection.scalar("SELECT COUNT(*) FROM closed_periods WHERE period = ?", [period]) > 0 {
                period = period.next
            }
            let original = try connection.first(
                """
                SELECT id FROM readings WHERE principal_id = ? AND meter_serial = ? AND taken_on = ? AND value_milli = ?
                    AND duplicate_of IS NULL ORDER BY id LIMIT 1
                """, [principal, reading.meter, reading.takenOn, reading.valueMilli]
            ).map { try $0.int64(0) }
            let id = try connection.first(
                """
                INSERT INTO readings (principal_id, meter_serial, account_number, service_code, value_milli, taken_on,
                                      channel, received_at, period, idempotency_key, duplicate_of, flags)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [
                    principal, reading.meter, reading.account, service, reading.valueMilli, reading.takenOn,
                    reading.channel.rawValue, reading.receivedAt, period, reading.idempotencyKey, original,
                    flags.map(\.rawValue).joined(separator: ","),
                ])!.int64(0)
            return ReadingAcknowledgement(
                id: id, period: period, consumptionMilli: original == nil ? consumption : 0, flags: flags, duplicateOf: original)
        }
    }

    /// The answer given before to a request with this key.
    private func acknowledgement(key: String) throws -> ReadingAcknowledgement? {
        guard let row = try connection.first(
            "SELECT id, period, flags, duplicate_of FROM readings WHERE idempotency_key = ?", [key])
        else { return nil }
        let flags = try row.optionalString(2).map { $0.split(separator: ",").compactMap { ReadingAcknowledgement.Flag(rawValue: String($0)) } } ?? []
        return ReadingAcknowledgement(
            id: try row.int64(0), period: try row.period(1), consumptionMilli: 0, flags: flags,
            duplicateOf: try row.optionalInt64(3))
    }
}
