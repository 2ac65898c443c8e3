import NIOConcurrencyHelpers

/// How often something may be tried: `burst` at once, then one more every `seconds`.
public struct Rate: Sendable, Hashable, CustomStringConvertible {
    public var burst: Int
    public var seconds: Int

    public init(burst: Int, every seconds: Int) {
        self.burst = max(1, burst)
        self.seconds = max(1, seconds)
    }

    /// `20/6s`: 20 at once, then one every 6 seconds.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let burst = Int(parts[0]), burst > 0, parts[1].hasSuffix("s"),
            let seconds = Int(parts[1].dropLast()), seconds > 0
        else { return nil }
        self.init(burst: burst, every: seconds)
    }

    public var description: String { "\(burst)/\(seconds)s" }
}

/// The limits on opening infomat sessions: per key (one kiosk) and per account (whatever kiosk
/// asks), so that a key cannot walk the sequential account numbers and one account cannot be
/// tried from many kiosks. They slow an attacker down and never lock a customer out: a refused
/// attempt is told when to try again.
public struct SessionLimits: Sendable, Hashable {
    /// 20 at once, then one every 6 seconds (10 a minute): a kiosk serves one customer at a time.
    public var perKey = Rate(burst: 20, every: 6)
    /// 5 at once, then one every 2 minutes.
    public var perAccount = Rate(burst: 5, every: 120)

    public init(perKey: Rate = Rate(burst: 20, every: 6), perAccount: Rate = Rate(burst: 5, every: 120)) {
        self.perKey = perKey
        self.perAccount = perAccount
    }
}

/// Token buckets for session opening, by key and by account, on the clock the caller passes in
/// (nanoseconds of a monotonic clock), so tests drive time. An attempt takes a token from both
/// buckets or, when either is empty, none, and is refused with the seconds until both have one.
final class SessionThrottle: Sendable {
    struct Bucket: Sendable {
        var tokens: Double
        var updated: UInt64
    }

    let limits: SessionLimits
    private let state = NIOLockedValueBox<(keys: [Int64: Bucket], accounts: [String: Bucket])>(([:], [:]))

    init(limits: SessionLimits) {
        self.limits = limits
    }

    /// nil when the attempt may go on (its tokens taken); else the seconds to wait.
    func attempt(keyId: Int64, account: String, now: UInt64) -> Int? {
        state.withLockedValue { state in
            var key = Self.refilled(state.keys[keyId], limits.perKey, now)
            var byAccount = Self.refilled(state.accounts[account], limits.perAccount, now)
            guard key.tokens >= 1, byAccount.tokens >= 1 else {
                return max(Self.wait(key, limits.perKey), Self.wait(byAccount, limits.perAccount))
            }
            key.tokens -= 1
            byAccount.tokens -= 1
            state.keys[keyId] = key
            if state.accounts.count > 100_000 {
                // Full buckets hold nothing worth keeping.
                state.accounts = state.accounts.filter {
                    Self.refilled($0.value, limits.perAccount, now).tokens < Double(limits.perAccount.burst)
                }
            }
            state.accounts[account] = byAccount
            return nil
        }
    }

    private static func refilled(_ bucket: Bucket?, _ rate: Rate, _ now: UInt64) -> Bucket {
        guard var bucket else { return Bucket(tokens: Double(rate.burst), updated: now) }
        let elapsed = Double(now &- bucket.updated) / 1e9
        bucket.tokens = min(Double(rate.burst), bucket.tokens + elapsed / Double(rate.seconds))
        bucket.updated = now
        return bucket
    }

    /// Whole seconds until the bucket holds a token.
    private static func wait(_ bucket: Bucket, _ rate: Rate) -> Int {
        guard bucket.tokens < 1 else { return 0 }
        return Int(((1 - bucket.tokens) * Double(rate.seconds)).rounded(.up))
    }
}
