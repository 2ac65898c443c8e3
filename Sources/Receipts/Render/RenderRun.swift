import Batches
import Billing
public import Core
public import Storage
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What a rendering run produced.
public struct RenderSummary: Sendable, Hashable {
    public var documents = 0
    public var pages = 0
    public var bytes = 0
    public var files = 0
    /// Left out of a print run: the customers who chose the ЕПД by e-mail only.
    public var leftOutForEmail = 0
}

/// One document of a print run: where it is and what it asks for, so that a print house can
/// check its run page by page.
public struct ManifestEntry: Sendable, Hashable, Codable {
    public var file: String
    public var firstPage: Int
    public var lastPage: Int
    public var account: String
    public var address: String
    /// The total to pay, in kopecks.
    public var total: Int64
}

/// The output folder cannot be made or written into.
public struct RenderOutputError: Error, Sendable, CustomStringConvertible {
    public var folder: String
    public var reason: String

    public var description: String { "cannot write into \(folder): \(reason)" }
}

/// Renders a period's ЕПД in delivery order (Billing's `DeliveryOrder`) on every core: print-house batches
/// of `documentsPerFile` documents per PDF (`epd-<period>-00001.pdf`, ...), or one PDF per
/// premises (`<account>.pdf`). Each worker borrows a connection of its own, claims the next range of
/// the order, streams its documents and writes its file beside the target, moving it into
/// place when complete, so a failed run leaves no half-written file.
public struct RenderRun: Sendable {
    public let database: Database
    public let period: BillingPeriod
    public let outputDirectory: String
    /// The center's requisites; nil: those stored for the period (``EPDLoader``).
    public let center: Center?
    public let renderer: EPDRenderer
    public let workers: Int
    /// Documents per file; nil renders one file per premises.
    public var documentsPerFile: Int?

    public init(
        database: Database, period: BillingPeriod, outputDirectory: String, center: Center? = nil,
        renderer: EPDRenderer = EPDRenderer(), workers: Int? = nil, documentsPerFile: Int? = 1_000
    ) {
        self.database = database
        self.period = period
        self.outputDirectory = outputDirectory
        self.center = center
        self.renderer = renderer
        self.workers = max(1, workers ?? database.parallelism(for: .reading))
        self.documentsPerFile = documentsPerFile.map { max(1, $0) }
    }

    /// Renders every document; `progress` gets the number done so far. Returns the summary and
    /// the manifest, in file and page order.
    /// Refused while the period's billing is unfinished or in progress, misses premises, or
    /// its statements no longer hold what the journal holds (``BillingRuns/finalProblems(_:holdingLock:)``):
    /// a print run must not leave premises out or print stale sums in silence.
    public func run(progress: @Sendable (Int) -> Void = { _ in }) throws -> (RenderSummary, [ManifestEntry]) {
        let (count, leftOutAndCenter) = try database.withConnection { connection in
            let problems = try BillingRuns(connection: connection).finalProblems(period)
            if !problems.isEmpty {
                throw BillingError(
                    code: .incomplete,
                    message: "the ЕПД of \(period) are not rendered: " + problems.joined(separator: "; "),
                    problems: problems)
            }
            // No document without the center's own requisites: refused before anything is written.
            let center = try EPDLoader(connection: connection, center: self.center).center(for: period)
            let order = DeliveryOrder(connection: connection)
            // Print batches leave out who chose e-mail only; one file per premises is everyone's.
            let batches = documentsPerFile != nil
            return (
                try order.build(period: period, leavingOutEmailOnly: batches),
                (center, batches ? try order.emailOnly(period: period) : 0)
            )
        }
        let (center, leftOut) = leftOutAndCenter
        try prepareOutput()
        let unit = documentsPerFile ?? 200
        let ranges = stride(from: 1, through: count, by: unit).map { $0...min($0 + unit - 1, count) }
        let next = Mutex(0)
        let done = Mutex(0)
        // The files this run completed: removed again if the run fails, so that a folder never
        // holds part of a print run without its manifest.
        let written = Mutex<[String]>([])
        let database = database
        // Each worker claims the next range until none is left; the first to fail stops the
        // others before their next range.
        let outcomes: [(RenderSummary, [ManifestEntry])]
        do {
            outcomes = try withoutActuallyEscaping(progress) { progress in
                try BatchRunner(name: "erc-render").map(workers) { _ in
                    try database.withConnection { connection in
                        var summary = RenderSummary()
                        var entries: [ManifestEntry] = []
                        while true {
                            try Task.checkCancellation()
                            let index = next.withLock { value in
                                defer { value += 1 }
                                return value
                            }
                            guard index < ranges.count else { break }
                            let rendered = try render(
                                ranges[index], number: index + 1, center: center, on: connection, written: written
                            ) {
                                progress(
                                    done.withLock {
                                        $0 += 1
                                        return $0
                                    })
                            }
                            summary.documents += rendered.summary.documents
                            summary.pages += rendered.summary.pages
                            summary.bytes += rendered.summary.bytes
                            summary.files += rendered.summary.files
                            entries += rendered.entries
                        }
                        return (summary, entries)
                    }
                }
            }
        } catch {
            for name in written.withLock({ $0 }) { unlink("\(outputDirectory)/\(name)") }
            throw error
        }
        // A run's folder holds only that run: batch files after the last one, or every batch file
        // when the run wrote one file per premises, would repeat documents beside its manifest.
        removeStaleBatches(after: documentsPerFile != nil ? ranges.count : 0)
        var total = RenderSummary()
        total.leftOutForEmail = leftOut
        var manifest: [ManifestEntry] = []
        for (summary, entries) in outcomes {
            total.documents += summary.documents
            total.pages += summary.pages
            total.bytes += summary.bytes
            total.files += summary.files
            manifest += entries
        }
        manifest.sort { ($0.file, $0.firstPage) < ($1.file, $1.firstPage) }
        return (total, manifest)
    }

    /// The file name of batch `number`.
    public func batchFileName(_ number: Int) -> String {
        let digits = String(number)
        return "epd-\(period)-\(String(repeating: "0", count: max(0, 5 - digits.count)))\(digits).pdf"
    }

    /// Makes the output folder if it is missing and checks that files can be written into it,
    /// before anything is rendered.
    private func prepareOutput() throws {
        var info = stat()
        if stat(outputDirectory, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw RenderOutputError(folder: outputDirectory, reason: "it is a file, not a folder")
            }
        } else if mkdir(outputDirectory, 0o755) != 0, !makeFolders(outputDirectory) {
            throw RenderOutputError(folder: outputDirectory, reason: String(cString: strerror(errno)))
        }
        let probe = "\(outputDirectory)/.erc-write-check-\(getpid())"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw RenderOutputError(folder: outputDirectory, reason: String(cString: strerror(errno)))
        }
        close(descriptor)
        unlink(probe)
    }

    /// `mkdir -p`: every missing folder of `path`.
    private func makeFolders(_ path: String) -> Bool {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/\(part)"
            if mkdir(prefix, 0o755) != 0, errno != EEXIST { return false }
        }
        return true
    }

    /// Removes this period's batch files numbered after `count` (all of them for 0): a run into a
    /// folder that held a run with smaller batches, or a print run before one file per premises,
    /// would otherwise leave files repeating documents beside the new manifest.
    private func removeStaleBatches(after count: Int) {
        guard let folder = opendir(outputDirectory) else { return }
        defer { closedir(folder) }
        let prefix = "epd-\(period)-"
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasPrefix(prefix), name.hasSuffix(".pdf"),
                let number = Int(name.dropFirst(prefix.count).dropLast(4)), number > count
            else { continue }
            unlink("\(outputDirectory)/\(name)")
        }
    }

    private func render(
        _ range: ClosedRange<Int>, number: Int, center: Center, on connection: any Connection,
        written: borrowing Mutex<[String]>,
        documentDone: () -> Void
    ) throws -> (summary: RenderSummary, entries: [ManifestEntry]) {
        var summary = RenderSummary()
        var entries: [ManifestEntry] = []
        let loader = EPDLoader(connection: connection, center: center)
        if documentsPerFile == nil {
            try loader.forEachDocument(period: period, .delivery(range)) { epd in
                let name = "\(epd.account.value).pdf"
                let pages = try renderer.render(epd, to: "\(outputDirectory)/\(name)")
                written.withLock { $0.append(name) }
                entries.append(entry(epd, file: name, first: 1, last: pages))
                summary.pages += pages
                summary.bytes += fileSize("\(outputDirectory)/\(name)")
                summary.documents += 1
                summary.files += 1
                documentDone()
            }
            return (summary, entries)
        }
        let name = batchFileName(number)
        let document = try renderer.makeDocument()
        try loader.forEachDocument(period: period, .delivery(range)) { epd in
            let first = summary.pages + 1
            summary.pages += try renderer.draw(epd, in: document)
            entries.append(entry(epd, file: name, first: first, last: summary.pages))
            summary.documents += 1
            documentDone()
        }
        try renderer.save(document, to: "\(outputDirectory)/\(name)")
        written.withLock { $0.append(name) }
        summary.bytes = fileSize("\(outputDirectory)/\(name)")
        summary.files = 1
        return (summary, entries)
    }

    private func entry(_ epd: EPDDocument, file: String, first: Int, last: Int) -> ManifestEntry {
        ManifestEntry(
            file: file, firstPage: first, lastPage: last, account: epd.account.value, address: epd.address,
            total: epd.total.kopecks)
    }
}

extension ManifestEntry {
    /// The manifest as CSV (`;`-separated, as a Russian spreadsheet opens it, with a UTF-8
    /// byte-order mark), one document per line, totals in roubles with a decimal comma.
    public static func csv(_ entries: [ManifestEntry]) -> String {
        var text = "\u{FEFF}file;first_page;last_page;account;address;total\r\n"
        for entry in entries {
            let address =
                "\"" + entry.address.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"")
                + "\""
            let total = Money(kopecks: entry.total).formatted(groupSeparator: "")
            text += "\(entry.file);\(entry.firstPage);\(entry.lastPage);\(entry.account);\(address);\(total)\r\n"
        }
        return text
    }
}
