public import ArgumentParser
import Foundation
public import Logging

/// `-v`/`--verbose`: shared by the commands, applied before the command line is parsed (so that
/// whatever the libraries log while a command starts is at the level asked for).
public struct LoggingOptions: ParsableArguments, Sendable {
    @Flag(
        name: .shortAndLong,
        help:
            "Log what the libraries do on standard error: debug, or trace given twice (-vv); ERC_LOG_LEVEL sets any level."
    )
    public var verbose: Int

    public init() {}
}

/// How the executables log: swift-log's stream handler on standard error, so standard output
/// stays for results. The level is ERC_LOG_LEVEL's (trace, debug, info, notice, warning, error,
/// critical), raised by `-v` (debug) or `-vv` (trace); notice when neither is given, so that only
/// what an operator should see gets through.
public enum CommandLogging {
    /// The level for these arguments and environment; an unknown ERC_LOG_LEVEL is reported in
    /// `problem` and ignored.
    public static func level(
        arguments: some Sequence<String>, environment: [String: String]
    ) -> (level: Logger.Level, problem: String?) {
        var level = Logger.Level.notice
        var problem: String?
        if let name = environment["ERC_LOG_LEVEL"], !name.isEmpty {
            if let named = Logger.Level(rawValue: name.lowercased()) {
                level = named
            } else {
                let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                problem = "ERC_LOG_LEVEL=\(name) is not a level (\(names)): logging at \(level)"
            }
        }
        var verbose = 0
        for argument in arguments {
            if argument == "--" { break }
            if argument == "--verbose" {
                verbose += 1
            } else if argument.hasPrefix("-"), !argument.hasPrefix("--"), argument.count > 1,
                argument.dropFirst().allSatisfy({ $0 == "v" })
            {
                verbose += argument.count - 1
            }
        }
        if verbose > 0 { level = min(level, verbose == 1 ? .debug : .trace) }
        return (level, problem)
    }

    /// The level for this process's command line and environment.
    public static var processLevel: Logger.Level {
        level(arguments: CommandLine.arguments.dropFirst(), environment: ProcessInfo.processInfo.environment).level
    }

    /// Bootstraps swift-log once for the process, at ``level(arguments:environment:)``'s level
    /// for its command line and environment.
    @discardableResult
    public static func bootstrap() -> Logger.Level {
        let (level, problem) = self.level(
            arguments: CommandLine.arguments.dropFirst(), environment: ProcessInfo.processInfo.environment)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        if let problem { Logger(label: "erc").warning("\(problem)") }
        return level
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
