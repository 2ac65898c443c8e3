public import API
import Core
public import ERCTestSupport
import Foundation
import Logging
public import Storage

/// erc's HTTP service running in this process on a free loopback port, on a real database.
public final class RunningServer: Sendable {
    public let port: Int
    public let client: HTTPClient
    /// The routes the service registered.
    public let routes: [RouteDescription]
    let pool: DatabasePool
    let task: Task<Void, any Error>

    /// Starts the service; `now` fixes the clock (seconds since 1970), `clock` drives sessions
    /// and their throttle.
    public static func start(
        location: DatabaseLocation, now: Int64, clock: TestClock? = nil, sessionLimits: SessionLimits = SessionLimits()
    ) async throws -> RunningServer {
        let pool = try DatabasePool(location: location)
        var uptime: (@Sendable () -> UInt64)?
        if let clock { uptime = { clock.now } }
        let services = APIServices(pool: pool, sessionLimits: sessionLimits, now: { now }, uptime: uptime)
        var logger = Logger(label: "erc.test")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            try await APIServer.run(services: services, host: "127.0.0.1", port: 0, logger: logger) {
                continuation.yield($0)
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return RunningServer(port: port, routes: APIServer.router(services: services).1, pool: pool, task: task)
    }

    init(port: Int, routes: [RouteDescription], pool: DatabasePool, task: Task<Void, any Error>) {
        self.port = port
        self.routes = routes
        self.pool = pool
        self.task = task
        client = HTTPClient(port: port)
    }

    public func stop() async {
        task.cancel()
        _ = try? await task.value
        await pool.shutdown()
    }
}
