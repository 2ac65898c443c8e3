public import Core
public import Storage

/// One reading of a principal's readings file, as the file gives it.
public struct FileReading: Sendable, Hashable {
    public var principalId: Int64
    public var account: PersonalAccountNumber
    public var meter: String
    public var valueMilli: Int64
    public var takenOn: CalendarDate
    public var channel: MeterReading.Channel
    /// When the principal received it (the file's `receivedAt`).
    public var receivedAt: String
    /// Unique per file and line: the reading's idempotency key.
    public var key: String
}

/// One reading of a house meter (ОДПУ) in a principal's readings file.
public struct FileHouseReading: Sendable, Hashable {
    public var principalId: Int64
    public var house: String
    public var meter: String
    public var valueMilli: Int64
    public var takenOn: CalendarDate
    public var channel: MeterReading.Channel
    public var receivedAt: String
    public var key: String
}

/// Why a reading of a file was refused: the element at fault and a reason a person can act on.
public struct FileReadingRefusal: Error, Sendable, Hashable {
    public var element: String
    public var reason: String

    public init(element: String, reason: String) {
        self.element = element
        self.reason = reason
    }
}

/// Takes the readings of a principal's readings file by the rules a reading from every other
/// channel passes (the meter on the account and in service, not below the previous reading
/// unless rolled over, under the ceiling, the readings day), storing each one that passes.
/// Intake implements it; the importer calls it inside the file's transaction, so one refusal
/// rejects the file and nothing stays stored.
public protocol ReadingsFileIntake {
    /// Checks `reading` and stores it on `connection`; throws ``FileReadingRefusal`` when a rule
    /// refuses it.
    func take(_ reading: FileReading, on connection: any Connection) throws
    /// The same for a house meter's reading.
    func take(_ reading: FileHouseReading, on connection: any Connection) throws
}
