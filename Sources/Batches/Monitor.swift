#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// State that threads share, behind a mutex with a condition variable: a thread that needs the
/// state to change sleeps until another one changes it, instead of polling.
final class Monitor<State: Sendable>: @unchecked Sendable {
    // Invariant: `state` is read and written only with `mutex` locked; every change is followed
    // by a broadcast, so a waiter re-checks after every change.
    private var state: State
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init(_ state: State) {
        self.state = state
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    /// Changes the state and wakes every thread waiting on it.
    func update<T>(_ body: (inout State) throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
        }
        return try body(&state)
    }

    /// Sleeps until `ready` gives a value, then returns it. `ready` runs with the lock held, once
    /// now and again after every change, and may change the state (which wakes the others).
    func wait<T>(until ready: (inout State) throws -> T?) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
        }
        while true {
            if let value = try ready(&state) { return value }
            pthread_cond_wait(changed, mutex)
        }
    }
}
