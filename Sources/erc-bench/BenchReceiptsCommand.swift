import ArgumentParser
import CommandLineSupport
import Core
import Foundation
import Storage

extension ERCBench {
    struct ReceiptsBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "receipts",
            abstract: "Time erc receipts render against the plain C reference renderer, side by side.",
            discussion: """
                Builds the C reference (gcc -O2 epd_ref.c -lhpdf -lqrencode), bills a demo region \
                of --documents premises into a new SQLite file, then, in one run, times \
                `epd_ref N 0 1 DIR` (one file of N pages, one QR code each) and `erc receipts \
                render` into print batches on one worker and on every core, each as a child \
                process, and reports documents/s, the ratios, bytes per document and peak memory.
                """)
        @Option(help: "Documents to render.") var documents = 10_000
        @Option(help: "The C reference's source (default: ../shared/perf/epd_ref.c beside the repository).")
        var reference: String?
        @Option(help: "Documents per print file.") var batchSize = 1_000
        @Option(help: "Charset of erc's payment QR codes: cp1251 (as erc prints batches by default) or utf8.")
        var charset: PaymentQR.Charset = .cp1251
        @Option(help: "Work folder (default: a new temporary folder, removed afterwards).") var work: String?

        func run() throws {
            let folder = work ?? NSTemporaryDirectory() + "erc-bench-\(getpid())"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { if work == nil { try? FileManager.default.removeItem(atPath: folder) } }
            // This program is in .build/<triple>/<configuration>/ of the repository, ../shared beside it.
            let ercFolder = ERCBench.folder
            let candidates =
                ["../../../shared", "../../../../shared"].map {
                    ercFolder.appendingPathComponent("\($0)/perf/epd_ref.c").standardized.path
                } + [FileManager.default.currentDirectoryPath + "/../shared/perf/epd_ref.c"]
            let source = reference ?? candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates[0]
            guard FileManager.default.fileExists(atPath: source) else {
                throw ValidationError("no C reference at \(source): give --reference PATH/epd_ref.c")
            }
            let binary = "\(folder)/epd_ref"
            let gcc = try Measured.run(["/usr/bin/gcc", "-O2", source, "-o", binary, "-lhpdf", "-lqrencode"])
            guard gcc.status == 0 else { throw BenchFailure("gcc could not build \(source) (exit \(gcc.status))") }

            let db = "\(folder)/bench.sqlite"
            print("Billing a demo region of \(documents) premises into \(db)")
            let demo = try Measured.run(
                [
                    try ERCBench.ercBinary(), "demo", "--premises", "\(documents)", "--db", db, "--out",
                    "\(folder)/demo", "--no-render",
                ],
                quiet: true)
            guard demo.status == 0 else { throw BenchFailure("erc demo failed (exit \(demo.status))") }

            let referenceOut = "\(folder)/reference"
            try FileManager.default.createDirectory(atPath: referenceOut, withIntermediateDirectories: true)
            let c = try Measured.run([binary, "\(documents)", "0", "1", referenceOut], quiet: true)
            guard c.status == 0 else { throw BenchFailure("epd_ref failed (exit \(c.status))") }
            let referenceBytes = fileSize("\(referenceOut)/batch.pdf")

            var runs: [(workers: Int, measured: Measured, bytes: Int, pages: Int, documents: Int)] = []
            for workers in [1, ProcessInfo.processInfo.activeProcessorCount] {
                let out = "\(folder)/erc-\(workers)"
                try? FileManager.default.removeItem(atPath: out)
                let erc = try Measured.run(
                    [
                        try ERCBench.ercBinary(), "receipts", "render", "--db", db, "--period", "2026-10", "--out", out,
                        "--workers", "\(workers)", "--batch-size", "\(batchSize)", "--charset",
                        charset == .utf8 ? "utf8" : "cp1251",
                    ], quiet: true)
                guard erc.status == 0 else { throw BenchFailure("erc receipts render failed (exit \(erc.status))") }
                let files = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".pdf") }
                let bytes = files.reduce(0) { $0 + fileSize("\(out)/\($1)") }
                let manifest = try String(contentsOfFile: "\(out)/manifest.csv", encoding: .utf8)
                var pages = 0
                // The print run leaves out the customers who chose e-mail only: per document rendered.
                let rendered = manifest.split(separator: "\r\n").dropFirst().count
                for row in manifest.split(separator: "\r\n").dropFirst() {
                    let cells = row.split(separator: ";")
                    let first = Int(cells[1]) ?? 0
                    let last = Int(cells[2]) ?? 0
                    pages += last - first + 1
                }
                runs.append((workers, erc, bytes, pages, rendered))
            }
            let n = Double(documents)
            print(
                String(
                    format: "C reference epd_ref %d 0 1: %7.2f s  %7.1f pages/s  %6.0f bytes/page  peak RSS %.1f MB",
                    documents, c.seconds, n / c.seconds, Double(referenceBytes) / n, Double(c.maxRSSKiB) / 1024))
            for run in runs {
                print(
                    String(
                        format:
                            "erc receipts render, %d worker(s): %7.2f s  %7.1f documents/s  %6.0f bytes/document  peak RSS %.1f MB  (%.2fx the reference)",
                        run.workers, run.measured.seconds, Double(run.documents) / run.measured.seconds,
                        Double(run.bytes) / Double(run.documents),
                        Double(run.measured.maxRSSKiB) / 1024,
                        (Double(run.documents) / run.measured.seconds) / (n / c.seconds)))
            }
            if let one = runs.first, let all = runs.last {
                print(
                    String(
                        format: "Documents on all cores / one: %.2fx; pages per document %.3f; %d of %d printed "
                            + "(the rest chose e-mail only)",
                        one.measured.seconds / all.measured.seconds, Double(all.pages) / Double(all.documents),
                        all.documents, documents))
            }
        }

        func fileSize(_ path: String) -> Int {
            (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        }
    }
}
