import Foundation

/// Writes to standard error: progress and problems, so standard output stays for results.
public enum Terminal {
    public static let isInteractive = isatty(STDERR_FILENO) == 1

    public static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    public static func status(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// A progress line on standard error: redrawn in place on a terminal, a line every tenth of
/// the way otherwise. Thread-safe, so parallel workers can report.
public final class Progress: @unchecked Sendable {
    // Invariant: every mutable field is read and written with `lock` held.
    private let lock = NSLock()
    private let label: String
    private var total: Int
    private let start = Date()
    private var lastDrawn = Date.distantPast
    private var lastTenth = -1

    public init(_ label: String, total: Int) {
        self.label = label
        self.total = max(total, 1)
    }

    /// Updates when the total is learnt along the way.
    public func update(_ done: Int, of total: Int) {
        lock.lock()
        self.total = max(total, 1)
        lock.unlock()
        update(done)
    }

    public func update(_ done: Int) {
        lock.lock()
        defer { lock.unlock() }
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Double(total - done) / rate : 0
        let line = "\(label): \(done)/\(total) (\(Int(rate))/s, \(Int(left.rounded()))s left)"
        if Terminal.isInteractive {
            guard Date().timeIntervalSince(lastDrawn) > 0.1 || done == total else { return }
            lastDrawn = Date()
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        } else {
            let tenth = done * 10 / total
            guard tenth != lastTenth else { return }
            lastTenth = tenth
            Terminal.status(line)
        }
    }

    public func finish() {
        if Terminal.isInteractive { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
