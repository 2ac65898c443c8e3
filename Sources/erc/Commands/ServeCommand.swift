import API
import ArgumentParser
import CommandLineSupport
import Core
import Foundation
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the JSON API for channels, infomats, principals and operators (HTTP).",
        discussion: """
            Routes (Docs/openapi.json describes each; GET /openapi.json serves it):
              POST /v1/readings                  a meter reading from a channel, an infomat or a principal
              GET  /v1/accounts/{a}/meters       the account's meters, last readings and readings window
              GET  /v1/accounts/{a}/epd/{period} the ЕПД as PDF, for an infomat to print
              POST /v1/sessions                  an infomat opens a session for the account its customer identified
                                                 (throttled per key and per account: 429 with Retry-After)
              POST /v1/payments                  a payment taken by an infomat's terminal
              POST /v1/requests                  a self-service request (meter sealing, replacement, verification,
                                                 owner change); GET /v1/requests[/{number}], POST .../status
              GET  /health, GET /metrics         health, and Prometheus metrics per route
            Every /v1 route needs 'Authorization: Bearer <key>' (make keys with erc keys create). \
            Writes take an Idempotency-Key header: a retry answers the same and stores nothing new; \
            the same key on another request is refused (422 idempotency-key-reused). \
            Stops on SIGINT or SIGTERM.
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one and prints it).") var port = 8080
    @Option(help: "Database connections for writes (PostgreSQL; SQLite always has one writer).") var writers: Int?
    @Option(help: "Database connections for reads (meters, ЕПД, keys).") var readers: Int?
    @Option(
        help: ArgumentHelp(
            "The server's log level: trace, debug, info, notice, warning, error, critical (default: info, or lower with ERC_LOG_LEVEL or -v).",
            valueName: "level"))
    var logLevel: Logger.Level?
    @Option(
        help: ArgumentHelp(
            "Infomat sessions one key may open: BURST/Ns, that many at once, then one every N seconds.",
            valueName: "rate"))
    var sessionsPerKey = SessionLimits().perKey
    @Option(
        help: ArgumentHelp("Infomat sessions for one account, from any key: BURST/Ns.", valueName: "rate"))
    var sessionsPerAccount = SessionLimits().perAccount

    func validate() throws {
        guard (0...65_535).contains(port) else {
            throw ValidationError("--port \(port) is not a TCP port: give 1-65535, or 0 for a free one")
        }
    }

    func run() async throws {
        var logger = Logger(label: "erc.serve")
        logger.logLevel =
            logLevel ?? min(.info, CommandLogging.processLevel)
        let pool = try DatabasePool(location: database.location, writers: writers, readers: readers)
        let services = APIServices(
            pool: pool, clock: CenterClock(utcOffsetSeconds: CenterCalendar.timeZone.secondsFromGMT()),
            sessionLimits: SessionLimits(perKey: sessionsPerKey, perAccount: sessionsPerAccount))
        let location = database.location
        try await APIServer.serve(services: services, host: host, port: port, logger: logger) { bound in
            print("erc serve: listening on http://\(host):\(bound) (\(location))")
            fflush(nil)
        }
        await pool.shutdown()
    }
}
