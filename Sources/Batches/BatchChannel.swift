/// Sending into or receiving from a closed channel: the other side stopped, or the run failed.
public struct BatchClosed: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "the channel was closed: the other side stopped, or the run failed" }
}

/// Elements handed from the tasks of a run to its caller (or from one task to another), at most
/// `capacity` waiting, so memory stays flat: a sender waits while the channel is full, the
/// receiver while it is empty, both asleep (a condition variable), never polling.
///
/// Ends in one of two ways: ``finish()`` (the sender is done; the receiver gets what is left,
/// then nil) or ``close()`` (either side stopped, or the run failed: whatever waits wakes,
/// sending and receiving throw ``BatchClosed``, and what was not received is dropped).
public final class BatchChannel<Element: Sendable>: BatchClosable {
    private struct State: Sendable {
        var elements: [Element] = []
        var finished = false
        var closed = false
    }

    private let state = Monitor(State())
    public let capacity: Int

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Hands `element` over, waiting while `capacity` elements wait to be received.
    public func send(_ element: Element) throws(BatchClosed) {
        let sent = state.wait { state -> Bool? in
            if state.closed || state.finished { return false }
            guard state.elements.count < capacity else { return nil }
            state.elements.append(element)
            return true
        }
        if !sent { throw BatchClosed() }
    }

    /// The sender is done.
    public func finish() {
        state.update { $0.finished = true }
    }

    public func close() {
        state.update { state in
            state.closed = true
            state.elements.removeAll()
        }
    }

    /// The next element, waiting while there is none; nil once finished and drained.
    public func next() throws(BatchClosed) -> Element? {
        let next = state.wait { state -> Result<Element?, BatchClosed>? in
            if state.closed { return .failure(BatchClosed()) }
            if !state.elements.isEmpty { return .success(state.elements.removeFirst()) }
            return state.finished ? .success(nil) : nil
        }
        return try next.get()
    }
}

/// The results of items 0..<count, computed by a run's tasks in any order and taken by one
/// receiver in item order. A task claims the next item only while fewer than `window` claimed
/// items wait for the receiver, so at most `window` results are held at once.
public final class OrderedResults<Element: Sendable>: BatchClosable {
    private struct State: Sendable {
        var claimed = 0
        var taken = 0
        var ready: [Int: Element] = [:]
        var closed = false
    }

    private let state = Monitor(State())
    public let count: Int
    public let window: Int

    public init(count: Int, window: Int) {
        self.count = max(0, count)
        self.window = max(1, window)
    }

    /// The next item to compute, waiting while `window` items are ahead of the receiver; nil
    /// once every item is claimed, or when closed.
    public func claim() -> Int? {
        state.wait { state -> Int?? in
            if state.closed || state.claimed >= count { return .some(nil) }
            guard state.claimed - state.taken < window else { return nil }
            defer { state.claimed += 1 }
            return .some(state.claimed)
        }
    }

    /// Item `index`'s result.
    public func deliver(_ index: Int, _ result: Element) {
        state.update { state in
            if !state.closed { state.ready[index] = result }
        }
    }

    /// The next item's result in order, waiting for it; nil after the last.
    public func next() throws(BatchClosed) -> Element? {
        let next = state.wait { state -> Result<Element?, BatchClosed>? in
            if state.closed { return .failure(BatchClosed()) }
            if state.taken >= count { return .success(nil) }
            guard let result = state.ready.removeValue(forKey: state.taken) else { return nil }
            state.taken += 1
            return .success(result)
        }
        return try next.get()
    }

    public func close() {
        state.update { state in
            state.closed = true
            state.ready.removeAll()
        }
    }
}

/// A value one task makes and others wait for (a file's checksum while its import reads on).
public final class BatchValue<Value: Sendable>: BatchClosable {
    private let state = Monitor<(value: Value?, closed: Bool)>((nil, false))

    public init() {}

    public func set(_ value: Value) {
        state.update { $0.value = value }
    }

    /// The value, waiting for it; nil when closed before it was set.
    public func wait() -> Value? {
        state.wait { state -> Value?? in
            if let value = state.value { return .some(value) }
            return state.closed ? .some(nil) : nil
        }
    }

    public func close() {
        state.update { $0.closed = true }
    }
}
