import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Results of parallel workers and a shared progress count, behind a mutex.
final class ResultBox: Sendable {
    private let state: Mutex<(results: [Result<RenderSummary, any Error>?], done: Int)>

    init(count: Int) {
        state = Mutex((Array(repeating: nil, count: count), 0))
    }

    func set(_ index: Int, _ result: Result<RenderSummary, any Error>) {
        state.withLock { $0.results[index] = result }
    }

    /// Adds finished documents; returns the running total.
    func add(document count: Int) -> Int {
        state.withLock {
            $0.done += count
            return $0.done
        }
    }

    func all() -> [Result<RenderSummary, any Error>] {
        state.withLock { $0.results.map { $0 ?? .success(RenderSummary(documents: 0, pages: 0, bytes: 0)) } }
    }
}

/// The number of cores the process may use.
public func activeProcessorCount() -> Int {
    Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}

func fileSize(_ path: String) -> Int {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : 0
}
