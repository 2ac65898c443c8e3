import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Results of parallel workers, behind a mutex.
final class ResultBox: Sendable {
    typealias Outcome = Result<(RenderSummary, [ManifestEntry]), any Error>
    private let state: Mutex<[Outcome?]>

    init(count: Int) {
        state = Mutex(Array(repeating: nil, count: count))
    }

    func set(_ index: Int, _ result: Outcome) {
        state.withLock { $0[index] = result }
    }

    func all() -> [Outcome] {
        state.withLock { $0.map { $0 ?? .success((RenderSummary(), [])) } }
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
