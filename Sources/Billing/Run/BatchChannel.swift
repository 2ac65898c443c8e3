import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A bounded hand-over between one producing and one consuming thread: `put` waits while the
/// channel is full, `take` while it is empty; closed by either side, it takes no more and hands
/// out what it holds, then nil.
final class BatchChannel<Element: Sendable>: Sendable {
    private let state: Mutex<(items: [Element], closed: Bool)> = Mutex(([], false))
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Hands over `item`; false when the channel was closed (the consumer stopped).
    func put(_ item: Element) -> Bool {
        while true {
            let done: Bool? = state.withLock { state in
                if state.closed { return false }
                guard state.items.count < capacity else { return nil }
                state.items.append(item)
                return true
            }
            if let done { return done }
            usleep(200)
        }
    }

    /// The next item, or nil once the channel is closed and drained.
    func take() -> Element? {
        while true {
            let next: Element?? = state.withLock { state in
                if !state.items.isEmpty { return .some(state.items.removeFirst()) }
                return state.closed ? .some(nil) : nil
            }
            if let next { return next }
            usleep(200)
        }
    }

    func close() {
        state.withLock { $0.closed = true }
    }
}
