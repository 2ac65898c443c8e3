import Dispatch
import Storage
import Synchronization

/// Rows handed from the thread that parses a file to the thread that loads them, in batches,
/// with a bounded number of batches in flight so memory stays flat.
final class RowPipe: Sendable {
    private let state = Mutex<(batches: [[[SQLValue]]], closed: Bool)>(([], false))
    private let items = DispatchSemaphore(value: 0)
    private let slots: DispatchSemaphore

    init(capacity: Int = 4) {
        slots = DispatchSemaphore(value: capacity)
    }

    /// Blocks while `capacity` batches wait to be loaded.
    func put(_ batch: [[SQLValue]]) {
        slots.wait()
        state.withLock { $0.batches.append(batch) }
        items.signal()
    }

    func close() {
        state.withLock { $0.closed = true }
        items.signal()
    }

    /// The next batch, or nil once closed and drained (then at once, every time).
    func take() -> [[SQLValue]]? {
        while true {
            let next: [[SQLValue]]?? = state.withLock { state in
                if !state.batches.isEmpty { return state.batches.removeFirst() }
                return state.closed ? .some(nil) : nil
            }
            if let next {
                if next != nil { slots.signal() }
                return next
            }
            items.wait()
        }
    }

    /// The rows of every batch, in order, for a bulk load.
    var rows: some Sequence<[SQLValue]> {
        sequence(state: (pipe: self, batch: [[SQLValue]](), index: 0)) { cursor -> [SQLValue]? in
            while cursor.index >= cursor.batch.count {
                guard let next = cursor.pipe.take() else { return nil }
                cursor.batch = next
                cursor.index = 0
            }
            defer { cursor.index += 1 }
            return cursor.batch[cursor.index]
        }
    }
}

/// Loads rows into a table on a second thread while the first one parses.
///
/// The connection is not `Sendable`: this box carries it to the loading thread. Invariant: from
/// ``start()`` until ``wait()`` returns, only the loading thread uses the connection; the
/// parsing thread only puts rows into the pipe.
final class BackgroundLoad: @unchecked Sendable {
    private let connection: any Connection
    private let table: String
    private let columns: [String]
    let pipe = RowPipe()
    private let group = DispatchGroup()
    private var outcome: Result<Int, any Error> = .success(0)

    init(connection: any Connection, table: String, columns: [String]) {
        self.connection = connection
        self.table = table
        self.columns = columns
    }

    func start() {
        group.enter()
        DispatchQueue.global().async { [self] in
            outcome = Result { try connection.bulkInsert(into: table, columns: columns, rows: pipe.rows) }
            // Drain what the parser may still put after a failed load, so it never blocks.
            while pipe.take() != nil {}
            group.leave()
        }
    }

    /// Closes the pipe and waits for the load; returns the rows written.
    func wait() throws -> Int {
        pipe.close()
        group.wait()
        return try outcome.get()
    }
}
