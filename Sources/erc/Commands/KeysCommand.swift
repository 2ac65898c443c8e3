import API
import ArgumentParser
import CommandLineSupport
import Foundation
import Storage

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "API keys of infomats, channels, principals and operators.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a key and print its token once: only its SHA-256 is stored.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Who holds it (a kiosk's place, a system's name).") var name: String
        @Option(help: "infomat, channel, principal or operator.") var role: APIKey.Role
        @Option(help: "Its scope: the principal's INN, the kiosk id or the channel name.") var scope: String?
        @Option(
            help: ArgumentHelp(
                "An infomat's payment terminal (repeat for several): only this key may pay through it. A terminal not named here becomes the key's that uses it first.",
                valueName: "id"))
        var terminal: [String] = []

        func run() throws {
            do {
                let (key, token) = try database.withConnection { connection in
                    try connection.withTransaction {
                        let made = try KeyStore(connection: connection).create(
                            name: name, role: role, scope: scope, terminals: terminal)
                        try Audit.record(
                            connection, "erc keys create", "api-key", id: String(made.0.id),
                            after: "\(name), \(made.0.role.rawValue)\(made.0.scope.map { ", \($0)" } ?? "")")
                        return made
                    }
                }
                let terminals = terminal.isEmpty ? "" : ", terminals \(terminal.joined(separator: ", "))"
                print("key \(key.id) (\(key.role.rawValue)\(key.scope.map { ", \($0)" } ?? "")\(terminals)): \(token)")
                Terminal.error("Keep the token now: erc cannot show it again.")
            } catch let error as KeyError {
                throw ValidationError(error.message)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys (never their tokens).")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let keys = try database.withConnection { try KeyStore(connection: $0).list() }
            guard !keys.isEmpty else {
                print("No API key yet: erc keys create --name NAME --role ROLE [--scope SCOPE]")
                return
            }
            print(
                Table(
                    headers: ["Id", "Name", "Role", "Scope", "Token starts", "Created", "Revoked"],
                    rows: keys.map {
                        [
                            String($0.id), $0.name, $0.role.rawValue, $0.scope ?? "", $0.prefix + "…", $0.createdAt,
                            $0.revokedAt ?? "",
                        ]
                    }, rightAligned: [0]
                ).text())
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key from now on.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The key's id (erc keys list).") var id: Int64

        func run() throws {
            do {
                try database.withConnection { connection in
                    try connection.withTransaction {
                        try KeyStore(connection: connection).revoke(id: id)
                        try Audit.record(connection, "erc keys revoke", "api-key", id: String(id), after: "revoked")
                    }
                }
                print("key \(id) revoked")
            } catch let error as KeyError {
                // No such key is data refused, not a usage error.
                Terminal.error("Error: \(error.message)")
                throw ExitCode(65)
            }
        }
    }
}
