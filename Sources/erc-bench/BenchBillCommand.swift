import ArgumentParser
import CommandLineSupport
import Core
import Foundation
import Storage

extension ERCBench {
    struct BillBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bill",
            abstract: "Time erc bill on a large synthetic region against COPY of the same number of rows.",
            discussion: """
                Loads a synthetic region straight into an empty database (--premises premises, \
                --services principals of one service each: four calculated by the center, per area, \
                per resident and fixed, the others supplied as ready-made charges (with \
                --common-property three of them the houses' common property); one premises in \
                ten with a debt three months old, so penalties accrue). Then, in one run: times a \
                bulk load (COPY on PostgreSQL) of as many rows as billing writes (a statement line \
                per service and premises) into a table shaped like statement_lines, the write \
                limit; and times `erc bill` as a child process, with its peak resident memory.
                """)
        @Option(help: "Database: a postgres:// URL, or an SQLite file (default: a new one in the work folder).")
        var db: String?
        @Option(help: "Premises in the region.") var premises = 100_000
        @Option(help: "Services per premises (5...40).") var services = 15
        @Option(help: "Worker connections for erc bill (default: every core on PostgreSQL, one on SQLite).")
        var workers: Int?
        @Option(help: "Work folder (default: a new temporary folder, removed afterwards).") var work: String?
        @Flag(help: "Bill the region a previous run loaded into --db (its billing is undone first).") var reuse = false
        @Flag(
            help: """
                Make three supplied services the houses' common property (СОИ: every house's data and norms, \
                one in five with house meters, one in ten billed by them month by month).
                """)
        var commonProperty = false
        @Flag(
            help: """
                Make the same three services per area instead: the baseline of --common-property (as many \
                postings and lines, without the houses' data).
                """)
        var threeMorePerArea = false

        func validate() throws {
            guard (5...40).contains(services) else { throw ValidationError("--services must be 5...40") }
            if commonProperty, threeMorePerArea {
                throw ValidationError("--common-property and --three-more-per-area are two regions: give one")
            }
            if commonProperty || threeMorePerArea, services < 8 {
                throw ValidationError(
                    "--common-property makes services 5 to 7 the common property: give --services 8 or more")
            }
            guard premises >= 100 else { throw ValidationError("--premises must be at least 100") }
        }

        func run() throws {
            let folder = work ?? NSTemporaryDirectory() + "erc-bench-\(getpid())"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { if work == nil { try? FileManager.default.removeItem(atPath: folder) } }
            let location = DatabaseLocation(db ?? "\(folder)/bench.sqlite")
            let connection = try location.open()
            let period = BillingPeriod.clamped(2026, 10)
            let clock = ContinuousClock()
            var started = clock.now
            let held = try connection.scalar("SELECT COUNT(*) FROM accounts")
            if reuse && held == Int64(premises) {
                // The region of an earlier run: its billing is undone, so the run bills from scratch.
                try connection.withTransaction {
                    for sql in [
                        "DELETE FROM postings WHERE run_id IS NOT NULL", "DELETE FROM statement_lines",
                        "DELETE FROM statements", "DELETE FROM billing_batches", "DELETE FROM billing_runs",
                        "DELETE FROM house_volumes",
                    ] {
                        try connection.execute(sql)
                    }
                }
                print("Reusing the region of \(premises) premises in \(location), its billing undone")
            } else {
                guard held == 0 else {
                    throw ValidationError(
                        "\(location) holds other premises: give an empty database, or --reuse one of this size")
                }
                var region = SyntheticRegion(premises: premises, services: services, period: period)
                region.commonProperty = commonProperty
                region.threeMorePerArea = threeMorePerArea
                try region.load(into: connection)
                print(
                    String(
                        format: "Loaded %d premises x %d services in %.1f s", premises, services,
                        seconds(clock.now - started)))
            }

            let rows = premises * services
            started = clock.now
            try copyReference(rows: rows, connection: connection)
            let copySeconds = seconds(clock.now - started)

            var argv = [try ERCBench.ercBinary(), "bill", "--db", location.url, "--period", "\(period)"]
            if let workers { argv += ["--workers", "\(workers)"] }
            let bill = try Measured.run(argv)
            guard bill.status == 0 else { throw BenchFailure("erc bill failed (exit \(bill.status))") }
            let lines = try connection.scalar("SELECT COUNT(*) FROM statement_lines WHERE period = ?", [period])
            print(
                String(
                    format: "COPY of %d rows (the write limit)       %8.2f s  %10.0f rows/s", rows, copySeconds,
                    Double(rows) / copySeconds))
            print(
                String(
                    format:
                        "erc bill: %d premises, %d lines   %8.2f s  %10.0f rows/s  %8.0f premises/s  peak RSS %.1f MB",
                    premises, lines, bill.seconds, Double(lines) / bill.seconds, Double(premises) / bill.seconds,
                    Double(bill.maxRSSKiB) / 1024))
            print(String(format: "Ratio erc bill / COPY: %.2f", bill.seconds / copySeconds))
        }

        /// Writes `rows` statement-line-shaped rows through the driver's bulk path, then drops them.
        func copyReference(rows: Int, connection: any Connection) throws {
            try connection.execute("DROP TABLE IF EXISTS bench_copy_reference")
            try connection.execute(
                """
                CREATE TABLE bench_copy_reference (
                    period TEXT NOT NULL, account_number TEXT NOT NULL, line_no INTEGER NOT NULL,
                    principal_id BIGINT NOT NULL, service_code TEXT NOT NULL, volume_milli BIGINT NOT NULL,
                    tariff BIGINT NOT NULL, amount BIGINT NOT NULL, opening BIGINT NOT NULL, recalculated BIGINT NOT NULL,
                    privileges BIGINT NOT NULL, penalties BIGINT NOT NULL, paid BIGINT NOT NULL, closing BIGINT NOT NULL,
                    method TEXT NOT NULL, PRIMARY KEY (period, account_number, line_no))
                """)
            var batch: [[SQLValue]] = []
            batch.reserveCapacity(50_000)
            for index in 0..<rows {
                let account = SyntheticRegion.account(index / services)
                let line = index % services
                batch.append([
                    .text("2026-10"), .text(account), .integer(Int64(line + 1)), .integer(Int64(line + 1)),
                    .text("S\(line)"), .integer(1_000), .integer(100), .integer(100), .integer(0), .integer(0),
                    .integer(0),
                    .integer(0), .integer(0), .integer(100), .text("supplied"),
                ])
                if batch.count == 50_000 || index == rows - 1 {
                    _ = try connection.withTransaction {
                        try connection.bulkInsert(
                            into: "bench_copy_reference",
                            columns: [
                                "period", "account_number", "line_no", "principal_id", "service_code", "volume_milli",
                                "tariff", "amount", "opening", "recalculated", "privileges", "penalties", "paid",
                                "closing", "method",
                            ],
                            rows: batch)
                    }
                    batch.removeAll(keepingCapacity: true)
                }
            }
            try connection.execute("DROP TABLE bench_copy_reference")
        }

        func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
    }
}
