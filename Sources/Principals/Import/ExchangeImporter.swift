import Batches
import Core
public import Logging
public import Storage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Imports a principal's exchange file, all or nothing.
///
/// The file is validated against its XSD while it streams through libxml2's reader, each record
/// is checked for meaning (known principal and accounts, duplicates, control sums), and rows are
/// written inside one transaction. Any problem rolls the transaction back and throws one
/// ``ImportError`` listing every problem. Re-importing the same file (same id and checksum)
/// changes nothing.
public struct ExchangeImporter {
    let connection: any Connection
    /// Files larger than this are refused before they are read (default 8 GiB).
    public var maximumFileSize: Int64
    /// Where a readings file's readings go: the rules of every channel (Intake). Without it a
    /// readings file is refused.
    public var readings: (any ReadingsFileIntake)?
    /// At debug level, each phase of an import and its time.
    public var logger = Logger(label: "erc.import")
    /// The kinds this importer takes (default: a principal's files); another kind is refused
    /// with the command that takes it.
    public var accepts: Set<ExchangeKind> = Set(ExchangeKind.inbound + [.readings])

    public static let defaultMaximumFileSize: Int64 = 8 << 30

    public init(
        connection: any Connection, maximumFileSize: Int64 = ExchangeImporter.defaultMaximumFileSize,
        readings: (any ReadingsFileIntake)? = nil
    ) {
        self.connection = connection
        self.maximumFileSize = maximumFileSize
        self.readings = readings
    }

    public func importFile(at path: String) throws -> ImportSummary {
        let name = baseName(path)
        guard access(path, R_OK) == 0 else {
            throw ImportError(
                code: .unreadable, file: name,
                problems: [ImportProblem(file: name, line: 0, element: "file", reason: "cannot be opened or read")])
        }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            // A folder, a device (/dev/zero never ends) or a pipe: nothing to read as a file.
            throw ImportError(
                code: .unreadable, file: name,
                problems: [
                    ImportProblem(
                        file: name, line: 0, element: "file",
                        reason: "is not a regular file (a folder, a device or a pipe): name an exchange file")
                ])
        }
        if Int64(info.st_size) > maximumFileSize {
            throw ImportError(
                code: .invalid, file: name,
                problems: [
                    ImportProblem(
                        file: name, line: 0, element: "file",
                        reason:
                            "is \(info.st_size) bytes, more than the limit of \(maximumFileSize); split it or raise the limit"
                    )
                ])
        }
        let kind: ExchangeKind
        do {
            kind = try Self.sniffKind(path: path, name: name)
        } catch var error {
            error.sha256 = fileDigest(path: path)?.sha256
            throw error
        }
        guard accepts.contains(kind) else {
            let command =
                switch kind {
                case .center: "a center file: import it with erc center import"
                case .rates: "a rates file: import it with erc rates import"
                case .gisIds: "a file of ГИС ЖКХ's identifiers: import it with erc gis import-ids"
                case _ where kind.isImported: "a principal's file: import it with erc principals import"
                default: "a file the center sends (\(kind)), not one it imports"
                }
            throw ImportError(
                code: .unknownKind, file: name,
                problems: [ImportProblem(file: name, line: 1, element: kind.rootElement, reason: command)])
        }
        let digest = BatchValue<FileChecksum>()
        let session = ImportSession(
            connection: connection, file: name, digest: digest, fileSize: Int64(info.st_size), kind: kind)
        let handler: any RecordHandler =
            switch kind {
            case .principal: PrincipalFileHandler(session: session)
            case .accounts: AccountsFileHandler(session: session)
            case .meters: MetersFileHandler(session: session)
            case .tariffs: TariffsFileHandler(session: session)
            case .charges: ChargesFileHandler(session: session)
            case .readings: ReadingsFileHandler(session: session, intake: readings)
            case .center: CenterFileHandler(session: session)
            case .rates: RatesFileHandler(session: session)
            case .gisIds: GisIdsFileHandler(session: session)
            default:
                throw ImportError(
                    code: .unknownKind, file: name,
                    problems: [
                        ImportProblem(
                            file: name, line: 1, element: kind.rootElement,
                            reason: "a file the center sends (\(kind)), not one it imports")
                    ])
            }
        let trace = PhaseTrace(logger: logger, file: name)
        return try connection.withTransaction {
            trace.mark("start")
            // Two tasks: one parses and validates the file (libxml2) and sends its records in
            // batches, one hashes it; the handler takes the records on this thread, where its
            // connection and session stay.
            let records = BatchChannel<[XMLRecord]>(capacity: 8)
            let (outputs, skipping) = try BatchRunner(name: "erc-import").run(
                tasks: 2, closingOnFailure: [records, digest],
                { task -> [ImportProblem] in
                    guard task == 0 else {
                        if let checksum = fileDigest(path: path) { digest.set(checksum) } else { digest.close() }
                        return []
                    }
                    return try Self.parse(path: path, name: name, kind: kind, into: records)
                },
                whileRunning: { try Self.dispatch(records, to: handler, session: session) })
            let readerProblems = outputs[0]
            trace.mark("read, validated and loaded")
            if readerProblems.isEmpty && !skipping { try handler.finishChecks() }
            trace.mark("set checks")
            let problems = (readerProblems + session.problems).sorted { $0.line < $1.line }
            guard problems.isEmpty else {
                let reused = problems.contains { $0.element == "fileId" }
                throw session.error(code: reused ? .fileIdReused : .invalid, problems: problems)
            }
            session.summary.sha256 = session.sha256
            if session.alreadyImported {
                session.summary.alreadyImported = true
                return session.summary
            }
            try handler.finish()
            trace.mark("stored")
            try session.finishImport()
            guard session.problems.isEmpty else {
                throw session.error(code: .invalid, problems: session.problems)
            }
            return session.summary
        }
    }

    /// Parses and validates the file, sending its records in batches of 256; stops early when
    /// the receiver closes `records` (it needs no more). Returns the file's faults the parser
    /// and the schema found.
    static func parse(
        path: String, name: String, kind: ExchangeKind, into records: BatchChannel<[XMLRecord]>
    ) throws -> [ImportProblem] {
        let reader = try XMLRecordReader(path: path, displayName: name, schema: try kind.compiledSchema())
        var batch: [XMLRecord] = []
        batch.reserveCapacity(256)
        var stopped = false
        func send() {
            do {
                try records.send(batch)
            } catch {
                stopped = true
            }
            batch.removeAll(keepingCapacity: true)
        }
        reader.forEachRecord(stop: { stopped }) { record in
            batch.append(record)
            if batch.count >= 256 { send() }
        }
        if !stopped, !batch.isEmpty { send() }
        records.finish()
        return reader.problems
    }

    /// Hands the records to the file's handler; returns whether the header said the rest needs
    /// no processing (the records are then only drained, so the parser still reports the
    /// file's faults). A file imported before stops the parser at once.
    static func dispatch(
        _ records: BatchChannel<[XMLRecord]>, to handler: any RecordHandler, session: ImportSession
    ) throws -> Bool {
        var skipping = false
        reading: while let batch = try records.next() {
            for record in batch where !skipping {
                if record.name == "header" {
                    skipping = try !handler.header(record)
                    if session.alreadyImported {
                        records.close()
                        break reading
                    }
                } else {
                    try handler.record(record)
                }
            }
        }
        try handler.endOfFile()
        return skipping
    }

    /// Reads only the root element to tell the kind of file (refusing a DOCTYPE on the way).
    static func sniffKind(path: String, name: String) throws(ImportError) -> ExchangeKind {
        if let (line, reason) = notXMLReason(path: path) {
            throw ImportError(
                code: .invalid, file: name,
                problems: [ImportProblem(file: name, line: line, element: "file", reason: reason)])
        }
        if let line = doctypeLine(path: path) {
            throw ImportError(
                code: .invalid, file: name,
                problems: [
                    ImportProblem(
                        file: name, line: line, element: "DOCTYPE",
                        reason: "document type declarations are not allowed in exchange files; the file was not parsed")
                ])
        }
        let sniffer = try XMLRecordReader(path: path, displayName: name, schema: nil)
        let root = sniffer.root()
        guard sniffer.problems.isEmpty else {
            throw ImportError(code: .invalid, file: name, problems: sniffer.problems)
        }
        guard let root else {
            throw ImportError(
                code: .invalid, file: name,
                problems: [ImportProblem(file: name, line: 1, element: "document", reason: "no root element")])
        }
        guard root.namespace == ExchangeKind.namespace,
            let kind = ExchangeKind.allCases.first(where: { $0.rootElement == root.name })
        else {
            let known = ExchangeKind.allCases.map(\.rootElement).joined(separator: ", ")
            throw ImportError(
                code: .unknownKind, file: name,
                problems: [
                    ImportProblem(
                        file: name, line: 1, element: root.name,
                        reason:
                            "not an erc exchange file: expected one of \(known) in namespace \(ExchangeKind.namespace)")
                ])
        }
        return kind
    }
}

/// What each kind of file does with its header, its records and at the end. The file's faults
/// are problems added to the session; a storage failure is thrown, and ends the import.
protocol RecordHandler: AnyObject {
    /// Returns false when the rest of the file needs no processing (already imported, or the
    /// header is unusable).
    func header(_ record: XMLRecord) throws -> Bool
    func record(_ record: XMLRecord) throws
    /// Called once the records end (not after a failure): stores what the handler holds back.
    func endOfFile() throws
    /// Checks that need the whole file (set queries over staged rows); adds problems.
    func finishChecks() throws
    /// Stores what the checks passed; called only when there are no problems.
    func finish() throws
}

extension RecordHandler {
    func endOfFile() throws {}
    func finishChecks() throws {}
}

/// Phase timings of one import, logged at debug level.
final class PhaseTrace {
    let logger: Logger
    let file: String
    let clock = ContinuousClock()
    var last: ContinuousClock.Instant

    init(logger: Logger, file: String) {
        self.logger = logger
        self.file = file
        last = clock.now
    }

    func mark(_ phase: String) {
        guard logger.logLevel <= .debug else { return }
        let now = clock.now
        logger.debug("\(phase): \((now - last).loggedMilliseconds)", metadata: ["file": "\(file)"])
        last = now
    }
}
