public import Core
public import Principals
public import Storage

/// A principal's readings file taken by the rules of every channel: each reading goes through
/// ``ReadingIntake`` (limited to the principal's own meters), which stores it or refuses it
/// with the reason it gives any other channel.
public struct ReadingsFileRules: ReadingsFileIntake {
    public let rules: ReadingRules
    /// The center's day the file is imported on: no reading may be taken after it.
    public let today: CalendarDate

    public init(rules: ReadingRules = .standard, today: CalendarDate) {
        self.rules = rules
        self.today = today
    }

    public func take(_ reading: FileReading, on connection: any Connection) throws {
        let submission = ReadingSubmission(
            account: reading.account, meter: reading.meter, valueMilli: reading.valueMilli, takenOn: reading.takenOn,
            channel: reading.channel, receivedAt: reading.receivedAt, idempotencyKey: reading.key)
        try refusing {
            _ = try ReadingIntake(connection: connection, rules: rules, today: today)
                .submit(submission, principal: reading.principalId)
        }
    }

    public func take(_ reading: FileHouseReading, on connection: any Connection) throws {
        let submission = HouseReadingSubmission(
            house: reading.house, meter: reading.meter, valueMilli: reading.valueMilli, takenOn: reading.takenOn,
            channel: reading.channel, receivedAt: reading.receivedAt, idempotencyKey: reading.key)
        try refusing {
            _ = try HouseReadingIntake(connection: connection, rules: rules, today: today)
                .submit(submission, principal: reading.principalId)
        }
    }

    /// Runs `body`, a rejection turned into the file's refusal of the element it is about.
    private func refusing(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let rejection as ReadingRejection {
            throw FileReadingRefusal(element: Self.element(of: rejection.code), reason: rejection.message)
        }
    }

    /// The element of the file a rejection is about.
    static func element(of code: ReadingRejection.Code) -> String {
        switch code {
        case .meterNotFound, .meterRemoved: "meter"
        case .takenInFuture, .takenBeforeInstalled: "takenOn"
        case .tooManyDigits, .belowPrevious, .aboveLater, .implausible: "value"
        default: "reading"
        }
    }
}
