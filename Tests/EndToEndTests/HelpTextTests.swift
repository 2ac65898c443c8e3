import ERCTestSupport
import Foundation
import Testing

/// Every command's `--help`, as an accountant reads it: found by walking the subcommands each
/// help lists, from the root of both executables.
@Suite("--help texts")
struct HelpTextTests {
    /// The subcommands a help text lists (the first word of each entry under SUBCOMMANDS:).
    static func subcommands(in help: String) -> [String] {
        var names: [String] = []
        var inList = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "SUBCOMMANDS:" {
                inList = true
            } else if inList {
                guard !line.isEmpty else { break }
                // An entry starts two spaces in; its wrapped description further.
                guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else {
                    continue
                }
                names.append(String(name))
            }
        }
        return names
    }

    /// Every command's help under `path`, depth first.
    static func helps(_ binary: String, _ path: [String] = []) throws -> [(command: String, help: String)] {
        let result = try ProcessRunner.run(binary, path + ["--help"])
        let command = ([URL(fileURLWithPath: binary).lastPathComponent] + path).joined(separator: " ")
        guard result.status == 0 else {
            Issue.record("\(command) --help exited \(result.status): \(result.stderr)")
            return []
        }
        var found = [(command, result.stdout)]
        for name in subcommands(in: result.stdout) where name != "help" {
            found += try helps(binary, path + [name])
        }
        return found
    }

    @Test(arguments: [TestPaths.ercBinary, TestPaths.benchBinary])
    func noHelpTextHasAStrayBackslash(binary: String) throws {
        let all = try Self.helps(binary)
        // The walk reached the leaves (erc: principals import, reconcile aging...; erc-bench: five).
        #expect(all.count >= (binary.hasSuffix("erc-bench") ? 6 : 40), "\(all.map(\.command))")
        for (command, help) in all {
            #expect(help.hasPrefix("OVERVIEW: "), "\(command)")
            for line in help.split(separator: "\n") where line.contains("\\") {
                Issue.record("\(command) --help: a stray backslash in \"\(line)\"")
            }
        }
    }

    @Test(arguments: ["65536", "99999"])
    func aPortThatIsNoTCPPortIsAUsageError(port: String) throws {
        let serve = try ProcessRunner.run(
            TestPaths.ercBinary, ["serve", "--db", "/nonexistent/erc.sqlite", "--port", port])
        #expect(serve.status == 64)
        #expect(serve.stderr.contains("--port \(port) is not a TCP port"), "\(serve.stderr)")
    }

    @Test func theWalkFindsTheCommandsAccountantsUse() throws {
        let commands = Set(try Self.helps(TestPaths.ercBinary).map(\.command))
        for command in [
            "erc payments import", "erc readings submit", "erc reconcile debtors", "erc reconcile aging",
            "erc principals import", "erc bill", "erc period close",
        ] {
            #expect(commands.contains(command), "\(command) not reached: \(commands.sorted())")
        }
        #expect(!commands.contains("erc bench"), "the benchmarks are erc-bench's")
    }
}
