import Logging
import ServiceLifecycle

/// SQLite's checkpoints every `interval` (``DatabasePool/checkpoint()``), as a service of the
/// server's service group: it starts with the server and stops on its graceful shutdown (SIGINT,
/// SIGTERM) or when the group is cancelled. On PostgreSQL it only waits for the shutdown (a
/// service that returns early would end the whole group, the server with it).
struct Checkpointer: Service {
    let pool: DatabasePool
    var interval: Duration = .seconds(1)
    let logger: Logger

    func run() async {
        guard pool.needsCheckpoints else {
            try? await gracefulShutdown()
            return
        }
        let (pool, interval, logger) = (pool, interval, logger)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                do {
                    if let (logged, copied) = try await pool.checkpoint() {
                        logger.trace("checkpoint", metadata: ["logged": "\(logged)", "copied": "\(copied)"])
                    }
                } catch {
                    logger.warning("SQLite checkpoint failed: \(error)")
                }
            }
        }
    }
}
