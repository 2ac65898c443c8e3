import ArgumentParser
import Billing
import CommandLineSupport
import Core
import Storage

struct HousesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "houses", abstract: "The houses' common property (СОИ) as billed.",
        subcommands: [Common.self])
}

extension HousesCommand {
    struct Common: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What a billed period worked out for the houses' common property (СОИ).",
            discussion: """
                One row per house and resource with common-property data: how its СОИ is billed \
                (norm; average or meter, as the owners decided), the house meters' (ОДПУ) volume \
                of the period, the premises' own volumes and the СОИ volume the period's run \
                shared (for the owners' monthly-by-meter decision), the negative volume carried \
                in and out, and what the premises were billed, own use and СОИ. Rows of basis \
                "year" are the year before's recalculations by the house meter that the period's \
                run made, spread in equal parts from that period through December. Then the \
                negative volumes still carried forward after the period (ЖК ст. 156 ч. 9.2; a \
                negative volume gives no charge and reduces later periods until used up). \
                Volumes in the resources' units. Exit 65 when the period has not been billed.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The billed period, YYYY-MM.") var period: BillingPeriod
        @Option(help: "One house's code.") var house: String?
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func run() throws {
            let (rows, carried, billed) = try database.withConnection { connection in
                let book = HouseVolumes(connection: connection)
                return (
                    try book.rows(period: period, house: house),
                    try book.carriedForward(after: period).filter { house == nil || $0.house == house },
                    try connection.scalar(
                        "SELECT COUNT(*) FROM billing_runs WHERE period = ? AND status = 'finished'", [period])
                )
            }
            guard billed > 0 else {
                Terminal.error("Error: \(period) has not been billed: run erc bill --period \(period)")
                throw ExitCode(65)
            }
            func milli(_ value: Int64?) -> String { value.map { formatMilli($0) } ?? "" }
            let headers = [
                "house", "resource", "basis", "method", "house meter", "own use", "carried in", "СОИ", "carried out",
                "billed own", "billed СОИ", "from", "note",
            ]
            let cells = rows.map { row in
                [
                    row.house, row.resource, row.basis, row.method, milli(row.meterMilli), milli(row.individualMilli),
                    milli(row.carriedInMilli), milli(row.commonMilli), milli(row.carriedOutMilli),
                    milli(row.billedIndividualMilli), milli(row.billedCommonMilli),
                    row.firstPeriod.map { "\($0)" } ?? "", row.note ?? "",
                ]
            }
            switch format {
            case .json:
                struct Report: Encodable {
                    var period: String
                    var rows: [HouseVolumes.Row]
                    var carriedForward: [HouseVolumes.Row]
                }
                print(try json(Report(period: "\(period)", rows: rows, carriedForward: carried)))
            case .csv:
                print(Table(headers: headers, rows: cells).csv())
            case .table:
                guard !rows.isEmpty else {
                    print("\(period): no house has common-property data")
                    return
                }
                print(Table(headers: headers, rows: cells, rightAligned: Set(4...10)).text())
                print("")
                if carried.isEmpty {
                    print("No negative volume is carried forward after \(period).")
                } else {
                    print("Carried forward after \(period) (to reduce later periods' СОИ):")
                    print(
                        Table(
                            headers: ["house", "resource", "volume", "since"],
                            rows: carried.map {
                                [$0.house, $0.resource, formatMilli(-$0.carriedOutMilli), "\($0.period)"]
                            },
                            rightAligned: [2]
                        ).text())
                }
            }
        }
    }
}
