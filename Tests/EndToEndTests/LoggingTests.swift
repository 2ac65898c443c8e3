import CommandLineSupport
import ERCTestSupport
import Foundation
import Logging
import Testing

/// The libraries log through swift-log; the command line sets the level.
@Suite("Logging")
struct LoggingTests {
    @Test func theLevelComesFromTheEnvironmentAndVerbose() {
        func level(_ arguments: [String], _ environment: [String: String] = [:]) -> Logger.Level {
            CommandLogging.level(arguments: arguments, environment: environment).level
        }
        #expect(level(["bill", "--period", "2026-10"]) == .notice)
        #expect(level(["bill", "-v"]) == .debug)
        #expect(level(["bill", "--verbose"]) == .debug)
        #expect(level(["bill", "-vv"]) == .trace)
        #expect(level(["bill", "-v", "--verbose"]) == .trace)
        #expect(level([], ["ERC_LOG_LEVEL": "WARNING"]) == .warning)
        #expect(level(["-v"], ["ERC_LOG_LEVEL": "error"]) == .debug)
        #expect(level(["-v"], ["ERC_LOG_LEVEL": "trace"]) == .trace)
        // After --, a -v is an argument, not a flag.
        #expect(level(["readings", "submit", "--", "-v"]) == .notice)
        let bogus = CommandLogging.level(arguments: [], environment: ["ERC_LOG_LEVEL": "loud"])
        #expect(bogus.level == .notice)
        #expect(bogus.problem?.contains("ERC_LOG_LEVEL=loud is not a level") == true)
    }

    @Test func verboseShowsTheLibrariesPhasesOnStandardErrorOnly() throws {
        let folder = try TemporaryDirectory("erc-log")
        func demo(_ extra: [String], environment: [String: String] = [:]) throws -> ProcessResult {
            try ProcessRunner.run(
                TestPaths.ercBinary,
                [
                    "demo", "--premises", "60", "--db", "\(folder.path)/d\(extra.count).sqlite", "--out",
                    "\(folder.path)/out\(extra.count)", "--no-render",
                ] + extra,
                environment: ["ERC_DATABASE_URL": "", "ERC_LOG_LEVEL": ""].merging(environment) { $1 })
        }
        let quiet = try demo([])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(!quiet.stderr.contains(" debug "))
        let verbose = try demo(["-v"])
        #expect(verbose.status == 0, "\(verbose.stderr)")
        #expect(verbose.stderr.contains("debug erc.import: file=principal-"))
        #expect(verbose.stderr.contains("read, validated and loaded: "))
        #expect(verbose.stderr.contains("debug erc.billing: period=2026-10"))
        #expect(!verbose.stdout.contains(" debug "), "logging stays off standard output")
        let warning = try demo(["-v", "-v"], environment: ["ERC_LOG_LEVEL": "bogus"])
        #expect(warning.stderr.contains("warning erc: [CommandLineSupport] ERC_LOG_LEVEL=bogus is not a level"))
    }
}
