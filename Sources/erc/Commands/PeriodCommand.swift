import ArgumentParser
import Billing
import CommandLineSupport
import Core
import Storage

struct PeriodCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "period", abstract: "Close billing periods and list the closed ones.",
        subcommands: [Close.self, List.self])

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a billed period: no more charges or billing runs for it.",
            discussion: """
                Periods close in order, and only once billed by a run that finished over every \
                premises: refused while a run is in progress (exit 75), when the period's latest \
                run is unfinished (killed: erc bill finishes it), or when premises with charges, \
                payments or balances have no statement (exit 65). A change to a closed period is \
                sent as a recalculation row in a charges file of the next open period.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Billing period, YYYY-MM.") var period: BillingPeriod

        func run() throws {
            try database.withConnection { connection in
                var lock = PeriodLock(connection: connection)
                lock.holder = Holder.current("erc period close --period \(period)")
                try connection.withTransaction {
                    try lock.close(period)
                    try Audit.record(connection, "erc period close", "period", id: "\(period)", after: "closed")
                }
            }
            print("Period \(period) is closed.")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the closed periods.")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let closed = try database.withConnection { try PeriodLock(connection: $0).closed() }
            print(
                closed.isEmpty
                    ? "No period is closed."
                    : closed.map { "\($0.period)  closed \($0.closedAt)" }.joined(separator: "\n"))
        }
    }
}
