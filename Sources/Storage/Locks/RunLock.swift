#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A lock one process holds for as long as a run of work lasts (a billing run, a period's
/// close), so that a second process refuses or waits instead of working beside it.
///
/// It lives outside the database's write lock, so `erc serve` keeps taking readings while a run
/// holds it, and it vanishes with the process that holds it, killed or not: a run whose process
/// is gone is resumed, not refused.
/// - PostgreSQL: a session advisory lock on a connection of its own (advisory locks belong to
///   one database of the server); the holder is named by the connection's `application_name`
///   and its start.
/// - SQLite: an exclusive `fcntl` lock (open file description) on `<database>-<name>.lock`
///   beside the database file (its real path: a symbolic link or a `file:` name of the same
///   database finds the same lock), which holds the holder's description.
///
/// Release it with ``release()``; `deinit` releases it too.
public final class RunLock {
    /// Who holds a lock and since when, as the holder described itself.
    public struct Holder: Sendable, Hashable, CustomStringConvertible {
        public var who: String
        public var since: String

        public init(who: String, since: String) {
            self.who = who
            self.since = since
        }

        public var description: String { since.isEmpty ? who : "\(who), since \(since)" }
    }

    private enum Held {
        case file(Int32)
        case postgres(PostgresConnection)
        case none
    }

    private var held: Held
    public let name: String

    private init(name: String, held: Held) {
        self.name = name
        self.held = held
    }

    deinit { release() }

    /// Takes the lock `name` of the database at `location`, or returns nil when another process
    /// holds it (with `wait`, blocks until it is free instead). `holder` describes this process
    /// to whoever finds the lock taken.
    public static func acquire(
        _ name: String, at location: DatabaseLocation, holder: Holder, wait: Bool = false
    ) throws -> RunLock? {
        switch location {
        case .sqlite(let path):
            guard let lockPath = lockFile(name, path) else { return RunLock(name: name, held: .none) }
            let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw failure("cannot open the lock file \(lockPath)") }
            var request = wholeFile(type: F_WRLCK)
            while fcntl(fd, wait ? OFDLock.setWait : OFDLock.set, &request) != 0 {
                let code = errno
                if code == EINTR { continue }
                close(fd)
                if code == EAGAIN || code == EACCES { return nil }
                throw failure("cannot lock \(lockPath)", code: code)
            }
            let text = holder.who + "\n" + holder.since + "\n"
            _ = ftruncate(fd, 0)
            _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
            return RunLock(name: name, held: .file(fd))
        case .postgres(let url):
            let connection = try PostgresConnection(url: url)
            try connection.execute("SELECT set_config('application_name', ?, false)", [String(holder.who.prefix(63))])
            let key = Self.key(name)
            if wait {
                try connection.execute("SELECT pg_advisory_lock(?, ?)", [Self.lockClass, key])
            } else if try connection.scalar(
                "SELECT CASE WHEN pg_try_advisory_lock(?, ?) THEN 1 ELSE 0 END", [Self.lockClass, key]) == 0
            {
                return nil
            }
            return RunLock(name: name, held: .postgres(connection))
        }
    }

    /// Who holds the lock `name` now; nil when it is free.
    public static func holder(of name: String, at location: DatabaseLocation) throws -> Holder? {
        switch location {
        case .sqlite(let path):
            guard let lockPath = lockFile(name, path) else { return nil }
            let fd = open(lockPath, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var probe = wholeFile(type: F_RDLCK)
            guard fcntl(fd, OFDLock.get, &probe) == 0, probe.l_type != Int16(F_UNLCK) else { return nil }
            // A holder writes its description right after taking the lock: give it a moment.
            var text = ""
            for _ in 0..<20 {
                var buffer = [UInt8](repeating: 0, count: 512)
                let count = pread(fd, &buffer, buffer.count, 0)
                text = String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self)
                if text.hasSuffix("\n") { break }
                usleep(5_000)
            }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let who = lines.first.flatMap { $0.isEmpty ? nil : $0 } ?? "another process (it has not named itself)"
            return Holder(who: who, since: lines.count > 1 ? lines[1] : "")
        case .postgres(let url):
            let connection = try PostgresConnection(url: url)
            guard
                let row = try connection.first(
                    """
                    SELECT COALESCE(a.application_name, ''), COALESCE(CAST(date_trunc('second', a.backend_start) AS TEXT), '')
                    FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
                    WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ? AND l.objid = ? AND l.objsubid = 2
                      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                    """, [Self.lockClass, Self.key(name)])
            else { return nil }
            let who = (try? row.string(0)) ?? ""
            return Holder(who: who.isEmpty ? "another session" : who, since: (try? row.string(1)) ?? "")
        }
    }

    /// Gives the lock up; the next process may take it. Safe to call twice.
    public func release() {
        switch held {
        case .file(let fd): close(fd)
        case .postgres(let connection): try? connection.execute("SELECT pg_advisory_unlock_all()")
        case .none: break
        }
        held = .none
    }

    /// The lock file beside an SQLite database, named after the file's real path (a `file:` URI
    /// is read for its path, symbolic links are followed); nil for an in-memory one (one
    /// connection only).
    static func lockFile(_ name: String, _ path: String) -> String? {
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix("file::memory:") else { return nil }
        var file = path
        if file.hasPrefix("file:") {
            file.removeFirst("file:".count)
            if file.hasPrefix("//") { file.removeFirst(2) }
            if let query = file.firstIndex(of: "?") { file = String(file[..<query]) }
        }
        if let real = realpath(file, nil) {
            defer { free(real) }
            file = String(cString: real)
        }
        return "\(file)-\(name).lock"
    }

    /// The first key of erc's advisory locks (migrations use 7201 alone).
    static let lockClass: Int64 = 7202

    /// A lock's name as the second key: FNV-1a, 31 bits (pg_locks shows `objid` as an oid).
    static func key(_ name: String) -> Int64 {
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return Int64(hash & 0x7FFF_FFFF)
    }

    private static func wholeFile(type: Int32) -> flock {
        var request = flock()
        request.l_type = Int16(type)
        request.l_whence = Int16(SEEK_SET)
        request.l_start = 0
        request.l_len = 0
        return request
    }

    private static func failure(_ what: String, code: Int32 = errno) -> StorageError {
        StorageError(code: .other, message: "\(what): \(String(cString: strerror(code)))")
    }
}

/// The commands of open-file-description locks (Linux 3.15+, <bits/fcntl-linux.h>; Swift's Glibc
/// module leaves them out): owned by the open file, not the process, so two opens in one process
/// exclude each other too, and closing another descriptor of the file keeps the lock.
private enum OFDLock {
    #if os(Linux)
    static let get: Int32 = 36
    static let set: Int32 = 37
    static let setWait: Int32 = 38
    #else
    static let get = F_GETLK
    static let set = F_SETLK
    static let setWait = F_SETLKW
    #endif
}
