import Synchronization
import Testing

@testable import ImgEdge

/// Counts calls from any task.
private final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

@Suite("Request coalescing")
struct RequestCoalescerTests {
    @Test("concurrent calls for one key run the work once and all get its result; one led, the rest joined")
    func coalesces() async throws {
        let coalescer = RequestCoalescer<String, Int, any Error>(whenCancelled: CancellationError())
        let runs = Counter()
        let results = try await withThrowingTaskGroup(of: (value: Int, joined: Bool).self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await coalescer.run("same") {
                        runs.increment()
                        try await Task.sleep(for: .milliseconds(200))
                        return 42
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.map(\.value) == Array(repeating: 42, count: 20))
        #expect(results.filter(\.joined).count == 19)
        #expect(runs.value == 1)
    }

    @Test("different keys run separately, and a finished key runs again")
    func separateKeys() async throws {
        let coalescer = RequestCoalescer<String, String, any Error>(whenCancelled: CancellationError())
        let runs = Counter()
        for key in ["a", "b", "a"] {
            let (value, joined) = try await coalescer.run(key) {
                runs.increment()
                return key.uppercased()
            }
            #expect(value == key.uppercased())
            #expect(!joined)
        }
        #expect(runs.value == 3)
    }

    @Test("an error reaches every waiter")
    func errors() async throws {
        struct Failure: Error {}
        let coalescer = RequestCoalescer<Int, Int, any Error>(whenCancelled: CancellationError())
        await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<5 {
                group.addTask {
                    try await coalescer.run(1) {
                        try await Task.sleep(for: .milliseconds(100))
                        throw Failure()
                    }.value
                }
            }
            for _ in 0..<5 {
                await #expect(throws: Failure.self) { _ = try await group.next() }
            }
        }
    }

    @Test("a cancelled caller leaves at once; the work goes on for the others and is cancelled when the last one leaves")
    func cancellation() async throws {
        let coalescer = RequestCoalescer<String, Int, any Error>(whenCancelled: CancellationError())
        let (events, event) = AsyncStream<String>.makeStream()
        let work: @Sendable () async throws -> Int = {
            event.yield("started")
            return try await withTaskCancellationHandler {
                try await Task.sleep(for: .seconds(3600))
                return 1
            } onCancel: {
                event.yield("cancelled")
            }
        }
        var observed = events.makeAsyncIterator()
        let first = Task { try await coalescer.run("k", work) }
        #expect(await observed.next() == "started")
        let second = Task { try await coalescer.run("k", work) }
        while coalescer.waiters(for: "k") < 2 { await Task.yield() }

        first.cancel()
        await #expect(throws: CancellationError.self) { try await first.value }
        #expect(coalescer.waiters(for: "k") == 1, "the work still runs for the second caller")

        second.cancel()
        await #expect(throws: CancellationError.self) { try await second.value }
        #expect(await observed.next() == "cancelled")
    }

    @Test("a caller cancelled before it calls still leaves at once, and the work it started is cancelled")
    func cancelledBeforeJoining() async throws {
        let coalescer = RequestCoalescer<String, Int, any Error>(whenCancelled: CancellationError())
        let (events, event) = AsyncStream<String>.makeStream()
        let caller = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await coalescer.run("k") {
                do {
                    try await Task.sleep(for: .seconds(3600))
                } catch {
                    event.yield("cancelled")
                }
                return 1
            }
        }
        await #expect(throws: CancellationError.self) { try await caller.value }
        #expect(coalescer.waiters(for: "k") == 0)
        var observed = events.makeAsyncIterator()
        #expect(await observed.next() == "cancelled")
    }
}
