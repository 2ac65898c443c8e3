import Core
import Dispatch
import Storage
import Synchronization

/// Items handed from one thread to another in batches, with a bounded number of batches in
/// flight so memory stays flat.
final class BatchPipe<Element: Sendable>: Sendable {
    private let state = Mutex<(batches: [[Element]], closed: Bool)>(([], false))
    private let ready = DispatchSemaphore(value: 0)
    private let slots: DispatchSemaphore

    init(capacity: Int = 4) {
        slots = DispatchSemaphore(value: capacity)
    }

    /// Blocks while `capacity` batches wait to be loaded.
    func put(_ batch: [Element]) {
        slots.wait()
        state.withLock { $0.batches.append(batch) }
        ready.signal()
    }

    func close() {
        state.withLock { $0.closed = true }
        ready.signal()
    }

    /// The next batch, or nil once closed and drained (then at once, every time).
    func take() -> [Element]? {
        while true {
            let next: [Element]?? = state.withLock { state in
                if !state.batches.isEmpty { return state.batches.removeFirst() }
                return state.closed ? .some(nil) : nil
            }
            if let next {
                if next != nil { slots.signal() }
                return next
            }
            ready.wait()
        }
    }

    /// Every item of every batch, in order.
    var items: some Sequence<Element> {
        sequence(state: (pipe: self, batch: [Element](), index: 0)) { cursor -> Element? in
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

/// Loads postings into the journal (or a staging table of its columns) on a second thread while
/// the first one parses, through the journal's one writer.
///
/// The connection is not `Sendable`: this box carries it to the loading thread. Invariant: from
/// ``start()`` until ``wait()`` returns, only the loading thread uses the connection; the
/// parsing thread only puts rows into the pipe.
final class BackgroundLoad: @unchecked Sendable {
    private let connection: any Connection
    private let table: String
    let pipe = BatchPipe<Posting>()
    private let group = DispatchGroup()
    private var outcome: Result<Int, any Error> = .success(0)

    init(connection: any Connection, table: String) {
        self.connection = connection
        self.table = table
    }

    func start() {
        group.enter()
        DispatchQueue.global().async { [self] in
            outcome = Result { try PostingWriter(connection: connection).append(pipe.items, into: table) }
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

/// Runs a file's record handler on a second thread, so libxml2's parsing and validation on this
/// one overlap with the checks and the loading of rows.
///
/// The handler and its session are not `Sendable`: this box carries them. Invariant: from
/// ``start()`` until ``finish()`` returns, only the handler thread uses them (and the connection
/// they hold); the parsing thread only puts records into the pipe. The first error the handler
/// throws stops it (and asks the parser to stop); ``finish()`` throws it on the caller's thread.
final class RecordDispatcher: @unchecked Sendable {
    private let handler: any RecordHandler
    private let session: ImportSession
    private let pipe = BatchPipe<XMLRecord>(capacity: 8)
    private let group = DispatchGroup()
    /// The parsing thread's batch in the making.
    private var batch: [XMLRecord] = []
    /// Whether the header said the rest needs no processing; read after ``finish()``.
    private(set) var skipping = false
    /// What the handler thread threw, thrown again by ``finish()`` once that thread is done.
    private var thrown: (any Error)?
    /// Set by the handler thread when reading further is pointless (the file was imported
    /// before); the parsing thread polls it.
    private let stop = Atomic<Bool>(false)
    var stopRequested: Bool { stop.load(ordering: .relaxed) }

    init(handler: any RecordHandler, session: ImportSession) {
        self.handler = handler
        self.session = session
    }

    func start() {
        group.enter()
        DispatchQueue.global().async { [self] in
            do {
                for record in pipe.items {
                    guard !skipping, thrown == nil else { continue }
                    do {
                        if record.name == "header" {
                            skipping = try !handler.header(record)
                            if session.alreadyImported { stop.store(true, ordering: .relaxed) }
                        } else {
                            try handler.record(record)
                        }
                    } catch {
                        thrown = error
                        stop.store(true, ordering: .relaxed)
                    }
                }
                try handler.endOfFile()
            } catch {
                if thrown == nil { thrown = error }
            }
            group.leave()
        }
    }

    func put(_ record: XMLRecord) {
        batch.append(record)
        if batch.count >= 256 {
            pipe.put(batch)
            batch = []
        }
    }

    /// Hands over the last records, waits until the handler has seen them all, and throws what
    /// the handler threw.
    func finish() throws {
        if !batch.isEmpty { pipe.put(batch) }
        batch = []
        pipe.close()
        group.wait()
        if let thrown { throw thrown }
    }
}
