#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A task executor with threads of its own, one per task of a run: the jobs of a task that
/// prefers it (and of that task's children) run here, so code that blocks in C (libpq,
/// `sqlite3_step`, libxml2, libharu) never holds a thread of Swift's cooperative pool, which
/// has one per core and which the rest of the process needs.
final class ThreadExecutor: TaskExecutor {
    private struct Queue: Sendable {
        var jobs: [UnownedJob] = []
        var stopping = false
    }

    private let queue = Monitor(Queue())
    private let threads = Monitor([pthread_t]())

    /// Starts `count` threads; `name` is the run's, for the error when one cannot start.
    init(threads count: Int, name: String) throws(BatchRunnerError) {
        for _ in 0..<max(1, count) {
            let context = Unmanaged.passRetained(ThreadStart(executor: self)).toOpaque()
            #if canImport(Darwin)
            var thread: pthread_t?
            #else
            var thread = pthread_t()
            #endif
            let status = pthread_create(
                &thread, nil,
                { context in
                    guard let context else { return nil }
                    let start = Unmanaged<ThreadStart>.fromOpaque(context).takeRetainedValue()
                    start.run()
                    return nil
                }, context)
            guard status == 0 else {
                Unmanaged<ThreadStart>.fromOpaque(context).release()
                stop()
                let reason = String(cString: strerror(status))
                throw BatchRunnerError(reason: "cannot start a thread for \(name): \(reason)")
            }
            #if canImport(Darwin)
            if let thread { threads.update { $0.append(thread) } }
            #else
            threads.update { $0.append(thread) }
            #endif
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.update { $0.jobs.append(job) }
    }

    /// Runs jobs until ``stop()`` and the queue is empty.
    fileprivate func work() {
        let executor = asUnownedTaskExecutor()
        while let job = queue.wait(until: { queue -> UnownedJob?? in
            if !queue.jobs.isEmpty { return .some(queue.jobs.removeFirst()) }
            return queue.stopping ? .some(nil) : nil
        }) {
            job.runSynchronously(on: executor)
        }
    }

    /// Lets the threads finish the jobs queued, then joins them. Called once the run's tasks are
    /// done, never from one of these threads.
    func stop() {
        queue.update { $0.stopping = true }
        for thread in threads.update({ threads in
            defer { threads.removeAll() }
            return threads
        }) {
            pthread_join(thread, nil)
        }
    }
}

/// What a new thread needs: the executor it works for.
private final class ThreadStart {
    let executor: ThreadExecutor

    init(executor: ThreadExecutor) {
        self.executor = executor
    }

    func run() {
        executor.work()
    }
}
