import Synchronization

/// Why a run could not start.
public struct BatchRunnerError: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// Something a run's tasks and its caller wait on, which the run closes when one of them fails,
/// so that whoever waits on it wakes up instead of waiting for ever.
public protocol BatchClosable: Sendable {
    func close()
}

/// The one way erc runs blocking work in parallel: billing's workers and its reader ahead of
/// the writer, rendering's workers, the ledger's ranges, an import's parser and checksum.
///
/// A run is a task group (structured concurrency) on a ``ThreadExecutor`` of its own, one
/// thread per task, started for the run and joined after it, so the tasks may block in C
/// without taking a thread of Swift's cooperative pool (two cores would starve it). The caller's
/// thread runs `whileRunning` meanwhile (typically taking what the tasks send through a
/// ``BatchChannel`` or ``OrderedResults``: the caller's own connection and closures never cross
/// to another thread), then waits for the tasks. The first error, a task's or the caller's,
/// cancels the others (`Task.isCancelled` turns true in them) and closes every closable given,
/// which wakes whoever waits on one; once every task has stopped, that first error is thrown.
public struct BatchRunner: Sendable {
    /// What the run does, for the error when its threads cannot start.
    public var name: String

    public init(name: String) {
        self.name = name
    }

    /// Runs `count` tasks, `task(0)` to `task(count - 1)`, and `whileRunning` on this thread;
    /// returns the tasks' outputs in index order and what `whileRunning` returned.
    /// `whileRunning` must take everything the tasks send it, or close what they send through.
    public func run<Output: Sendable, Value>(
        tasks count: Int, closingOnFailure closables: [any BatchClosable] = [],
        _ task: @escaping @Sendable (_ index: Int) throws -> Output,
        whileRunning body: () throws -> Value
    ) throws -> (outputs: [Output], value: Value) {
        guard count > 0 else { return ([], try body()) }
        let executor = try ThreadExecutor(threads: count, name: name)
        defer { executor.stop() }
        let failure = FirstFailure(closing: closables)
        let finished = Monitor<[Output]??>(nil)
        let root = Task(executorPreference: executor) {
            let outputs = try? await withThrowingTaskGroup(of: (Int, Output).self) { group in
                for index in 0..<count {
                    group.addTask {
                        do {
                            return (index, try task(index))
                        } catch {
                            failure.record(error)
                            throw error
                        }
                    }
                }
                var outputs = [Output?](repeating: nil, count: count)
                for try await (index, output) in group { outputs[index] = output }
                return outputs.compactMap { $0 }
            }
            finished.update { $0 = .some(outputs) }
        }
        failure.cancelling(root)
        let value: Value
        do {
            value = try body()
        } catch {
            failure.record(error)
            _ = finished.wait { $0 }
            throw failure.first ?? error
        }
        let outputs = finished.wait { $0 }
        if let first = failure.first { throw first }
        guard let outputs, outputs.count == count else { throw CancellationError() }
        return (outputs, value)
    }

    /// Runs `count` tasks and returns their outputs in index order.
    public func map<Output: Sendable>(
        _ count: Int, _ task: @escaping @Sendable (_ index: Int) throws -> Output
    ) throws -> [Output] {
        try run(tasks: count, task, whileRunning: {}).outputs
    }

    /// Runs different tasks, and `whileRunning` on this thread; returns what it returned.
    public func run<Value>(
        _ tasks: [@Sendable () throws -> Void], closingOnFailure closables: [any BatchClosable] = [],
        whileRunning body: () throws -> Value
    ) throws -> Value {
        try run(tasks: tasks.count, closingOnFailure: closables, { try tasks[$0]() }, whileRunning: body).value
    }
}

/// The first error of a run. Recording it cancels the run's root task (so every task's
/// `Task.isCancelled` is true from then on), then closes the run's closables.
private final class FirstFailure: Sendable {
    private let state = Mutex<(first: (any Error)?, root: Task<Void, Never>?)>((nil, nil))
    private let closables: [any BatchClosable]

    init(closing closables: [any BatchClosable]) {
        self.closables = closables
    }

    /// The run's root task, cancelled at once if a task failed before it was known.
    func cancelling(_ root: Task<Void, Never>) {
        let failed = state.withLock { state in
            state.root = root
            return state.first != nil
        }
        if failed { root.cancel() }
    }

    func record(_ error: any Error) {
        let (isFirst, root) = state.withLock { state in
            guard state.first == nil else { return (false, state.root) }
            state.first = error
            return (true, state.root)
        }
        guard isFirst else { return }
        root?.cancel()
        for closable in closables { closable.close() }
    }

    var first: (any Error)? { state.withLock { $0.first } }
}
