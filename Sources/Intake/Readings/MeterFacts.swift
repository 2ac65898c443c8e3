import Core
import Storage

/// What the rules of every reading need to know of its meter (individual or house), found by
/// one read: the rules are written once, for both.
struct MeterFacts {
    var digits: Int
    var installedOn: CalendarDate
    var verifiedUntil: CalendarDate
    var removedOn: CalendarDate?
    /// The reading held before the new one's day, or the meter's initial reading.
    var previousMilli: Int64
    /// The first reading held after the new one's day, with its day.
    var later: (valueMilli: Int64, takenOn: CalendarDate)?
    /// Readings taken up to this day of the month count for that month.
    var readingsDueDay: Int
    /// The last period closed.
    var lastClosed: BillingPeriod?

    /// What a reading accepted comes to: the consumption since the one before, what to look
    /// at, and the period it counts for.
    struct Verdict {
        var consumptionMilli: Int64
        var flags: [ReadingAcknowledgement.Flag]
        var period: BillingPeriod
    }

    /// Checks a reading of this meter: not taken after `today`, nor before the meter was
    /// installed or after it was taken off; within its digits; not below the previous reading
    /// unless the counter rolled over, and no more than `ceilingMilli` since; below a reading
    /// taken later; then the period it counts for (the readings day, past the closed periods).
    func judge(
        valueMilli: Int64, takenOn: CalendarDate, today: CalendarDate, ceilingMilli ceiling: Int64,
        connection: any Connection
    ) throws -> Verdict {
        guard takenOn <= today else {
            throw ReadingRejection(code: .takenInFuture, message: "a reading cannot be taken after today, \(today)")
        }
        guard takenOn >= installedOn else {
            throw ReadingRejection(code: .takenBeforeInstalled, message: "the meter was installed on \(installedOn)")
        }
        if let removedOn, takenOn >= removedOn {
            throw ReadingRejection(
                code: .meterRemoved, message: "the meter was taken off on \(removedOn): send the new meter's reading")
        }
        var capacity: Int64 = 1_000
        for _ in 0..<digits { capacity *= 10 }
        guard valueMilli >= 0, valueMilli < capacity else {
            throw ReadingRejection(
                code: .tooManyDigits, message: "the meter shows \(digits) digits before the decimal point")
        }
        let previous = previousMilli
        var flags: [ReadingAcknowledgement.Flag] = []
        var consumption = valueMilli - previous
        if consumption < 0 {
            let rolled = capacity - previous + valueMilli
            guard rolled <= ceiling else {
                throw ReadingRejection(
                    code: .belowPrevious,
                    message: "\(formatMilli(valueMilli)) is below the previous reading \(formatMilli(previous))")
            }
            consumption = rolled
            flags.append(.rolledOver)
        }
        guard consumption <= ceiling else {
            throw ReadingRejection(
                code: .implausible,
                message:
                    "\(formatMilli(consumption)) since the previous reading is above the ceiling of \(formatMilli(ceiling))"
            )
        }
        // A reading taken before one held already (sent late) must fit below it too: else the
        // later one would count as the counter rolling over.
        if let later {
            let rise =
                later.valueMilli >= valueMilli
                ? later.valueMilli - valueMilli : capacity - valueMilli + later.valueMilli
            guard later.valueMilli >= valueMilli || rise <= ceiling else {
                throw ReadingRejection(
                    code: .aboveLater,
                    message:
                        "\(formatMilli(valueMilli)) is above the reading \(formatMilli(later.valueMilli)) taken later, "
                        + "on \(later.takenOn)")
            }
        }
        if verifiedUntil < takenOn { flags.append(.verificationExpired) }
        guard let month = BillingPeriod(year: takenOn.year, month: takenOn.month) else {
            throw ReadingRejection(
                code: .takenBeforeInstalled, message: "\(takenOn) is outside the periods erc keeps (2000 to 2999)")
        }
        var period = takenOn.day <= readingsDueDay ? month : month.next
        if let lastClosed, period <= lastClosed {
            // Periods are closed in order, but a gap is possible: step over the closed ones.
            while try connection.scalar("SELECT COUNT(*) FROM closed_periods WHERE period = ?", [period]) > 0 {
                period = period.next
            }
        }
        return Verdict(consumptionMilli: consumption, flags: flags, period: period)
    }
}
