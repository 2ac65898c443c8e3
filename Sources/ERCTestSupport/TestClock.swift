import Synchronization

/// A monotonic clock a test moves by hand: nanoseconds that start at a fixed point and change
/// only when the test advances them.
public final class TestClock: Sendable {
    private let nanoseconds = Mutex<UInt64>(1_000_000_000_000)

    public init() {}

    public var now: UInt64 { nanoseconds.withLock { $0 } }

    public func advance(seconds: Int) {
        nanoseconds.withLock { $0 += UInt64(seconds) * 1_000_000_000 }
    }
}
