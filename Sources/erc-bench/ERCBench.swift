import ArgumentParser
import CommandLineSupport
import Core
import Demo
import Foundation
import Principals
import Storage

#if canImport(Glibc)
import Glibc
#endif

@main
struct ERCBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erc-bench", abstract: "Benchmarks of erc that need a whole database or child processes.",
        discussion: """
            Each benchmark prepares its data, then times erc (the binary beside this one, or \
            $ERC_BIN) as a child process against a reference: xmllint, COPY, the C renderer, wrk. \
            Build both in release first: swift build -c release.
            """,
        subcommands: [ImportBench.self, BillBench.self, ReceiptsBench.self, ReconcileBench.self, APIBench.self])

    /// The erc binary the benchmarks run: $ERC_BIN, else the one in this program's folder.
    static func ercBinary() throws -> String {
        let path =
            ProcessInfo.processInfo.environment["ERC_BIN"].flatMap { $0.isEmpty ? nil : $0 }
            ?? folder.appendingPathComponent("erc").path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
            FileManager.default.isExecutableFile(atPath: path)
        else {
            throw ValidationError("no erc at \(path): build it (swift build -c release) or set ERC_BIN")
        }
        return path
    }

    /// The folder of this program (symbolic links resolved).
    static var folder: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    static func main() async {
        CommandLogging.bootstrap()
        do {
            var command = try parseAsRoot()
            // Every benchmark runs erc: a missing one is said before any data is prepared.
            if !(command is ERCBench) {
                do {
                    _ = try ercBinary()
                } catch {
                    Terminal.error("Error: \(error)")
                    exit(withError: ExitCode(66))
                }
            }
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    struct ImportBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Time the import of a large charges file against xmllint's streaming validation of it.",
            discussion: """
                Generates a principal with ten services, an accounts registry and a charges file of \
                --rows rows; imports the principal and accounts; then, in one run, times \
                `xmllint --stream --noout --schema charges-1.xsd` on the charges file and `erc \
                principals import` of it (validate, check, store), each as a child process, and \
                reports wall time, rows/s, MB/s and peak resident memory.
                """)
        @Option(
            help: "Database (a postgres:// URL for the issue's figure; default: a new SQLite file in the work folder).")
        var db: String?
        @Option(help: "Rows in the charges file.") var rows = 1_000_000
        @Option(help: "Work folder (default: a new temporary folder, removed afterwards).") var work: String?

        func run() throws {
            let folder = work ?? NSTemporaryDirectory() + "erc-bench-\(getpid())"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { if work == nil { try? FileManager.default.removeItem(atPath: folder) } }
            let location = DatabaseLocation(db ?? "\(folder)/bench.sqlite")
            let period = BillingPeriod.clamped(2026, 10)

            print("Generating \(rows) charge rows in \(folder)")
            let files = try LargeChargesFile(rows: rows, period: period).write(to: folder)
            let bytes = (try FileManager.default.attributesOfItem(atPath: files.charges)[.size] as? Int) ?? 0
            print("Setting up \(location): principal and accounts registry")
            let connection = try location.open()
            let importer = ExchangeImporter(connection: connection)
            for file in [files.principal, files.accounts] {
                print("  " + describe(try importer.importFile(at: file)))
            }
            let schema = try schemaFile(in: folder)
            let xmllint = try Measured.run([
                "/usr/bin/xmllint", "--stream", "--noout", "--nonet", "--schema", schema, files.charges,
            ])
            guard xmllint.status == 0 else {
                throw BenchFailure("xmllint failed on the generated file (exit \(xmllint.status))")
            }
            let erc = try Measured.run([
                try ERCBench.ercBinary(), "principals", "import", "--db", location.url, files.charges,
            ])
            guard erc.status == 0 else { throw BenchFailure("erc principals import failed (exit \(erc.status))") }
            let megabytes = Double(bytes) / 1_048_576
            func line(_ name: String, _ m: Measured) -> String {
                String(
                    format: "%@ %8.2f s  %9.0f rows/s  %6.1f MB/s  peak RSS %6.1f MB",
                    name.padding(toLength: 34, withPad: " ", startingAt: 0),
                    m.seconds, Double(rows) / m.seconds, megabytes / m.seconds, Double(m.maxRSSKiB) / 1024)
            }
            print(String(format: "File: %d rows, %.1f MB", rows, megabytes))
            print(line("xmllint --stream --schema", xmllint))
            print(line("erc principals import", erc))
            print(String(format: "Ratio erc / xmllint: %.2f", erc.seconds / xmllint.seconds))
        }

        /// The schemas as files, for xmllint (charges-1.xsd includes common-1.xsd).
        func schemaFile(in folder: String) throws -> String {
            for kind in [ExchangeKind.charges] {
                try Data(kind.schemaBytes).write(to: URL(fileURLWithPath: "\(folder)/\(kind.schemaFileName)"))
            }
            try Data(ExchangeKind.commonSchemaBytes).write(to: URL(fileURLWithPath: "\(folder)/common-1.xsd"))
            return "\(folder)/charges-1.xsd"
        }
    }
}

extension DatabaseLocation {
    var url: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): url
        }
    }
}

/// A benchmark that could not finish (a child failed, a tool is missing): said with what failed,
/// exit status 1, no usage text.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// A child process's wall time and peak resident memory (wait4's rusage).
struct Measured {
    var status: Int32
    var seconds: Double
    var maxRSSKiB: Int

    /// Runs `argv` and waits; `quiet` sends its standard output to /dev/null, `stdoutPath` to a
    /// file.
    static func run(_ argv: [String], quiet: Bool = false, stdoutPath: String? = nil) throws -> Measured {
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { for argument in cArgs { free(argument) } }
        let start = DispatchTime.now()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdoutPath {
            posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        } else if quiet {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
        guard rc == 0 else { throw BenchFailure("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Measured(status: exit, seconds: seconds, maxRSSKiB: usage.ru_maxrss)
    }
}
