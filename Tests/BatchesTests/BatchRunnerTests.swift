import Batches
import Foundation
import Synchronization
import Testing

@Suite("The batch runner", .timeLimit(.minutes(1)))
struct BatchRunnerTests {
    struct Planned: Error, Equatable {
        var by: String
    }

    /// Threads of this process now (Linux).
    func threadCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
    }

    @Test func outputsComeBackInTheTasksOrder() throws {
        let outputs = try BatchRunner(name: "test").map(5) { index in index * index }
        #expect(outputs == [0, 1, 4, 9, 16])
    }

    @Test func withoutTasksOnlyTheCallerRuns() throws {
        let (outputs, value) = try BatchRunner(name: "test").run(tasks: 0, { $0 }, whileRunning: { "caller" })
        #expect(outputs.isEmpty)
        #expect(value == "caller")
    }

    /// Eight tasks that each block until all eight have started: on Swift's cooperative pool
    /// (a thread per core, two here) this would never finish; each task has a thread of its own.
    @Test func tasksThatBlockHaveThreadsOfTheirOwn() throws {
        let arrived = Atomic(0)
        let everyone = BatchValue<Bool>()
        let outputs = try BatchRunner(name: "test").map(8) { index in
            if arrived.add(1, ordering: .relaxed).newValue == 8 { everyone.set(true) }
            return everyone.wait() == true ? index : -1
        }
        #expect(outputs == Array(0..<8))
    }

    @Test func theFirstErrorCancelsTheOthersAndWakesThem() throws {
        let never = BatchChannel<Int>(capacity: 1)
        let cancelled = Atomic(0)
        #expect(throws: Planned(by: "task 0")) {
            _ = try BatchRunner(name: "test").run(
                tasks: 4, closingOnFailure: [never],
                { index in
                    if index == 0 {
                        Thread.sleep(forTimeInterval: 0.05)
                        throw Planned(by: "task 0")
                    }
                    // Blocked until the failure closes the channel.
                    #expect(throws: BatchClosed.self) { _ = try never.next() }
                    if Task.isCancelled { cancelled.add(1, ordering: .relaxed) }
                },
                whileRunning: {})
        }
        #expect(cancelled.load(ordering: .relaxed) == 3)
    }

    @Test func theCallersErrorStopsTheTasksBlockedOnAFullChannel() throws {
        let items = BatchChannel<Int>(capacity: 2)
        let stoppedBy = Mutex<[String]>([])
        #expect(throws: Planned(by: "the caller")) {
            _ = try BatchRunner(name: "test").run(
                tasks: 2, closingOnFailure: [items],
                { index in
                    do {
                        for item in 0... { try items.send(item) }
                    } catch {
                        stoppedBy.withLock { $0.append("\(type(of: error))") }
                    }
                },
                whileRunning: {
                    _ = try items.next()
                    throw Planned(by: "the caller")
                })
        }
        #expect(stoppedBy.withLock { $0 } == ["BatchClosed", "BatchClosed"])
    }

    @Test func aChannelHandsEverythingOverInOrderThenEnds() throws {
        let items = BatchChannel<Int>(capacity: 2)
        let received = try BatchRunner(name: "test").run(
            [
                {
                    for item in 1...10_000 { try items.send(item) }
                    items.finish()
                }
            ],
            whileRunning: {
                var received: [Int] = []
                while let item = try items.next() { received.append(item) }
                return received
            })
        #expect(received == Array(1...10_000))
        #expect(throws: BatchClosed.self) { try items.send(1) }
    }

    @Test func orderedResultsComeInOrderAndStayWithinTheWindow() throws {
        let count = 500
        let window = 6
        let results = OrderedResults<Int>(count: count, window: window)
        let held = Atomic(0)
        let mostHeld = Atomic(0)
        let received = try BatchRunner(name: "test").run(
            tasks: 3, closingOnFailure: [results],
            { _ in
                while let index = results.claim() {
                    if index % 7 == 0 { Thread.sleep(forTimeInterval: 0.001) }
                    let now = held.add(1, ordering: .relaxed).newValue
                    mostHeld.max(now, ordering: .relaxed)
                    results.deliver(index, index * 2)
                }
            },
            whileRunning: {
                var received: [Int] = []
                while let result = try results.next() {
                    held.subtract(1, ordering: .relaxed)
                    received.append(result)
                }
                return received
            }
        ).value
        #expect(received == (0..<count).map { $0 * 2 })
        // At most `window` results wait, and one more is counted while the receiver holds it.
        #expect(mostHeld.load(ordering: .relaxed) <= window + 1)
    }

    @Test func aValueClosedBeforeItWasSetIsNil() {
        let value = BatchValue<Int>()
        value.close()
        #expect(value.wait() == nil)
        let set = BatchValue<Int>()
        set.set(7)
        #expect(set.wait() == 7)
    }

    @Test func theThreadsEndWithTheRun() throws {
        _ = try BatchRunner(name: "test").map(4) { $0 }
        let before = threadCount()
        for _ in 0..<50 { _ = try BatchRunner(name: "test").map(4) { $0 } }
        // 200 threads were made; none stays. The other suites run in the same process and start
        // and end threads of their own meanwhile (database connections, their own runs): a
        // leak would show as about 200 more, not as a few.
        #expect(threadCount() <= before + 20)
    }
}
