import ArgumentParser
import CommandLineSupport
import Core
import Foundation
import Intake
import Storage

struct ReadingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readings", abstract: "Meter readings from every channel.", subcommands: [Submit.self])

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take one meter reading, as the contact center or a channel's integration sends it.",
            discussion: """
                The meter must be on the account; the value may not be below the previous reading \
                unless the counter rolled over, and the consumption must be under the service's \
                ceiling (30 m³ of water, 3,000 kWh a month); a reading after the service's readings \
                day counts for the next period; a meter past its verification date is accepted and \
                flagged. Prints the acknowledgement id; a refusal prints its code and reason (exit \
                65). --key makes a retry answer the same and store nothing.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Personal account, 10 digits.") var account: PersonalAccountNumber
        @Option(help: "Meter serial number.") var meter: String
        @Option(help: "The value shown, with a decimal point (123.45).") var value: String
        @Option(help: "The day the reading was taken (default: today).") var takenOn: CalendarDate?
        @Option(help: "infomat, web, bot, messenger, contact-center, ivr, principal or bank.")
        var channel: MeterReading.Channel = .contactCenter
        @Option(help: "Idempotency key of the request.") var key: String?

        func validate() throws {
            _ = try valueMilli()
        }

        /// The value in thousandths of the unit.
        func valueMilli() throws -> Int64 {
            guard let milli = parseMilli(value) else {
                throw ValidationError("--value must be a number with up to 3 decimals")
            }
            return milli
        }

        func run() throws {
            let today = CenterCalendar.today
            let submission = ReadingSubmission(
                account: account, meter: meter, valueMilli: try valueMilli(), takenOn: takenOn ?? today,
                channel: channel, receivedAt: CenterCalendar.nowStamp,
                idempotencyKey: key)
            do {
                let ack = try database.withConnection { connection in
                    try connection.withTransaction {
                        let ack = try ReadingIntake(connection: connection, today: today).submit(submission)
                        if !ack.replayed {
                            try Audit.record(
                                connection, "erc readings submit", "reading", id: String(ack.id),
                                account: account.value,
                                after: "meter \(meter): \(formatMilli(submission.valueMilli)) on \(submission.takenOn)",
                                source: key.map { "idempotency key \($0)" })
                        }
                        return ack
                    }
                }
                var line = "accepted: acknowledgement \(ack.id), counts for \(ack.period)"
                if let original = ack.duplicateOf { line += ", the same as reading \(original)" }
                if !ack.flags.isEmpty { line += ", flags: \(ack.flags.map(\.rawValue).joined(separator: ", "))" }
                print(line)
            } catch let rejection as ReadingRejection {
                Terminal.error("refused: \(rejection.code): \(rejection.message)")
                throw ExitCode(65)
            }
        }
    }
}
