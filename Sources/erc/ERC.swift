import ArgumentParser
import Billing
import CommandLineSupport
import Foundation
import Principals
import Receipts
import Storage

@main
struct ERC: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erc",
        abstract: "The unified settlement center (ЕРЦ): principals' files in, one ЕПД per premises out.",
        discussion: """
            erc imports principals' XML exchange files (validated against Schemas/), banks' \
            payment registries and statements, bills a month into one statement per premises (calculated \
            charges, privileges, penalties, payments), and renders each statement as an A4 ЕПД \
            with GOST R 56042-2014 payment QR codes, in print-house batches or one at a time. \
            erc serve answers channels, infomats, principals and operators over HTTP (JSON, \
            Docs/openapi.json); erc reconcile gives the accountants' reports.

            The database is erc.sqlite in the working directory unless --db or ERC_DATABASE_URL \
            names another SQLite file or a postgres:// URL. erc db migrate creates it or brings its \
            schema up to date (erc demo too); every other command refuses a missing database or \
            a schema that is not this build's.

            Logging goes to standard error at the level ERC_LOG_LEVEL names (default notice); -v \
            logs what the libraries do (debug: a billing run's and an import's phase timings), -vv \
            at trace level too (the service's checkpoints). The benchmarks are a program of their own: erc-bench --help.

            Exit status: 0 done; 1 a check found differences (reconcile); 64 a usage error; 65 \
            data refused (a file, a reading, a period that cannot be billed or closed); 66 no \
            database, or its schema is not this build's; 73 an output file or folder cannot be \
            written; 74 standard output could not be written; 75 another process is billing now \
            (try again, or erc bill --wait); 78 the center's requisites are not set (erc center set).
            """,
        subcommands: [
            DemoCommand.self, DB.self, CenterCommand.self, RatesCommand.self, PrincipalsCommand.self,
            PremisesCommand.self, HousesCommand.self, ReadingsCommand.self, PaymentsCommand.self,
            BillCommand.self, PeriodCommand.self, ReceiptsCommand.self, ReconcileCommand.self, KeysCommand.self,
            AuditCommand.self, GisCommand.self, ServeCommand.self,
        ]
    )

    /// Runs the command; the domain's refusals print their message and exit with their status.
    static func main() async {
        CommandLogging.bootstrap()
        var failure: (any Error)?
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            failure = error
        }
        // Results that did not reach standard output (a full disk, a closed file) are a failure,
        // not a silent success: flushing every stream reports what standard output still held.
        let unwritten = fflush(nil) != 0
        if let failure {
            if let status = exitStatus(for: failure) {
                Terminal.error("Error: \(message(of: failure))")
                exit(withError: ExitCode(status))
            }
            exit(withError: failure)
        }
        if unwritten {
            Terminal.error(
                "Error: the results could not be written to standard output: \(String(cString: strerror(errno)))")
            exit(withError: ExitCode(74))
        }
    }

    /// The status of an error the domain raises on purpose; nil for ArgumentParser's own and
    /// unexpected ones (status 1, or 64 for usage).
    static func exitStatus(for error: any Error) -> Int32? {
        switch error {
        case let error as BillingError: error.code == .runInProgress ? 75 : 65
        case let error as StorageError where error.code == .noDatabase || error.code == .schemaMismatch: 66
        case let error as StorageError where error.code == .connection: 66
        case is RenderOutputError, is PDFError, is OutputError: 73
        case is CenterNotSetError: 78
        case is BackupError, is OwnerChangeError: 65
        default: nil
        }
    }

    static func message(of error: any Error) -> String {
        switch error {
        case let error as BillingError: error.message
        case let error as StorageError: error.message
        default: "\(error)"
        }
    }
}
