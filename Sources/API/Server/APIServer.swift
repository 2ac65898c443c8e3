public import Core
import Foundation
import HTTPTypes
public import Hummingbird
public import Intake
public import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle
import Storage

/// What every route shares: the database lanes, the key cache, the infomat sessions, the
/// center's clock and reading rules, and the metrics registry.
public final class APIServices: Sendable {
    public let pool: DatabasePool
    public let clock: CenterClock
    public let rules: ReadingRules
    let keys: KeyCache
    let sessions: InfomatSessions
    let throttle: SessionThrottle
    let metrics: PrometheusCollectorRegistry
    /// Seconds since 1970 now: the wall clock unless a test fixes it.
    let now: @Sendable () -> Int64
    /// Nanoseconds of a monotonic clock, for sessions, the key cache and the throttle: the
    /// system's uptime unless a test drives it.
    let uptime: @Sendable () -> UInt64

    public init(
        pool: DatabasePool, clock: CenterClock = CenterClock(), rules: ReadingRules = .standard,
        sessionLimits: SessionLimits = SessionLimits(), now: (@Sendable () -> Int64)? = nil,
        uptime: (@Sendable () -> UInt64)? = nil
    ) {
        self.pool = pool
        self.clock = clock
        self.rules = rules
        self.now = now ?? { Int64(Date().timeIntervalSince1970) }
        self.uptime = uptime ?? { DispatchTime.now().uptimeNanoseconds }
        keys = KeyCache()
        sessions = InfomatSessions()
        throttle = SessionThrottle(limits: sessionLimits)
        metrics = APIMetrics.registry
    }

    /// Read here, at the outer layer, and passed down.
    var epochSeconds: Int64 { now() }
    var today: CalendarDate { clock.day(atEpochSeconds: epochSeconds) }
    var nowStamp: String { clock.stamp(atEpochSeconds: epochSeconds) }
}

/// Prometheus metrics of the process: Hummingbird's request counter and duration histogram per
/// route, method and status, served at /metrics. swift-metrics has one backend per process, set
/// here once.
enum APIMetrics {
    /// An infomat's attempt to open a session: `opened`, `refused` (no such account) or
    /// `throttled`, counted in `erc_infomat_session_attempts_total`.
    static func sessionAttempt(_ outcome: String) {
        Counter(label: "erc_infomat_session_attempts_total", dimensions: [("outcome", outcome)]).increment()
    }

    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(2.5), .seconds(5),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()
}

/// One route as registered, for the OpenAPI check.
public struct RouteDescription: Sendable, Hashable, CustomStringConvertible {
    public var method: String
    /// The path with `{name}` parameters, as OpenAPI writes it.
    public var path: String
    public var description: String { "\(method) \(path)" }
}

/// erc's HTTP service (`erc serve`): the JSON API under /v1 for channels, infomats, principals
/// and operators, with /health, /metrics and /openapi.json beside it.
public enum APIServer {
    public static let maxBodyBytes = 16 * 1024
    // The names are valid tokens: `HTTPField.Name` takes them (the API tests send and read each).
    static let sessionHeader = HTTPField.Name("ERC-Session")
    static let idempotencyHeader = HTTPField.Name("Idempotency-Key")
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")

    /// `Idempotent-Replayed: true` when an answer repeats an earlier one.
    static func replayed(_ replayed: Bool) -> HTTPFields {
        guard replayed, let name = replayedHeader else { return [:] }
        return [name: "true"]
    }

    /// The router with every route, and the list of them.
    public static func router(services: APIServices) -> (Router<APIRequestContext>, [RouteDescription]) {
        let router = Router(context: APIRequestContext.self)
        // Metrics outermost: they count the status the client got, after errors became answers.
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ProblemMiddleware())
        var routes = RouteList(router: router, prefix: "")
        Routes.open(&routes, services: services)
        var v1 = RouteList(
            group: router.group("v1").add(middleware: KeyAuthMiddleware(services: services)), prefix: "/v1")
        Routes.readings(&v1, services: services)
        Routes.accounts(&v1, services: services)
        Routes.delivery(&v1, services: services)
        Routes.payments(&v1, services: services)
        Routes.requests(&v1, services: services)
        return (router, routes.described + v1.described)
    }

    /// Serves until SIGINT or SIGTERM; `onRunning` gets the port bound (useful with port 0).
    public static func serve(
        services: APIServices, host: String, port: Int, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let app = application(services: services, host: host, port: port, logger: logger, onRunning: onRunning)
        try await app.runService()
    }

    /// Serves until the task running it is cancelled (tests); `onRunning` gets the port bound.
    public static func run(
        services: APIServices, host: String, port: Int, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        try await application(services: services, host: host, port: port, logger: logger, onRunning: onRunning).run()
    }

    /// The application, to run as a service.
    static func application(
        services: APIServices, host: String, port: Int, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let (router, _) = router(services: services)
        var app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "erc"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
        app.addServices(Checkpointer(pool: services.pool, logger: logger))
        return app
    }
}

/// Registers routes on a router or group and remembers each, so the OpenAPI document can be
/// checked against what is served.
struct RouteList {
    private let on:
        (String, HTTPRequest.Method, @escaping @Sendable (Request, APIRequestContext) async throws -> Response) -> Void
    let prefix: String
    private(set) var described: [RouteDescription] = []

    init(router: Router<APIRequestContext>, prefix: String) {
        self.prefix = prefix
        on = { path, method, handler in router.on(RouterPath(path), method: method, use: handler) }
    }

    init(group: RouterGroup<APIRequestContext>, prefix: String) {
        self.prefix = prefix
        on = { path, method, handler in group.on(RouterPath(path), method: method, use: handler) }
    }

    /// `path` relative to the prefix, with `:name` parameters.
    mutating func add(
        _ method: HTTPRequest.Method, _ path: String,
        _ handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Response
    ) {
        on(path, method, handler)
        let openAPI = path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
        described.append(RouteDescription(method: method.rawValue, path: prefix + "/" + openAPI.joined(separator: "/")))
    }
}
