import Testing

@testable import ImgEdge

@Suite("Clients take turns at the worker threads")
struct FairTurnsTests {
    /// Waiters are named by client and job, e.g. "a2".
    typealias Turns = FairTurns<String, String>

    /// Whether each named job ran at once on arrival; a name's first letter is its client, and
    /// tickets count up from `firstTicket` in the order given.
    private func arrivals(_ jobs: [String], from firstTicket: Int = 1, at turns: inout Turns) -> [Bool] {
        jobs.enumerated().map { index, job in turns.arrive(String(job.prefix(1)), ticket: firstTicket + index, job) }
    }

    @Test("jobs run at once while threads are free; then a newcomer goes before a client already running")
    func newcomerFirst() {
        var turns = Turns(threads: 2)
        #expect(
            arrivals(["a1", "a2", "a3", "a4", "a5", "a6", "b1"], at: &turns) == [true, true, false, false, false, false, false])
        #expect(turns.waiting == 5)
        let starts = [turns.finish("a"), turns.finish("a"), turns.finish("b")]
        #expect(starts == ["b1", "a3", "a4"], "b had no thread and a had two; then only a waits")
        #expect(turns.running == 2)
    }

    @Test("clients running as many take turns, the one whose job just ended last, each job in its client's order")
    func roundRobin() {
        var turns = Turns(threads: 1)
        #expect(arrivals(["a1", "a2", "a3", "b1", "b2", "c1"], at: &turns) == [true, false, false, false, false, false])
        var order: [String] = []
        var client = "a"
        while let next = turns.finish(client) {
            order.append(next)
            client = String(next.prefix(1))
        }
        #expect(order == ["b1", "c1", "a2", "b2", "a3"], "a has just had a turn, so b and c go first")
        #expect(turns.running == 0 && turns.waiting == 0)
        #expect(arrivals(["c2"], from: 10, at: &turns) == [true], "idle again: the next job runs at once")
    }

    @Test("a cancelled waiter is taken back once, and its client's turn goes with its last job")
    func cancel() {
        var turns = Turns(threads: 1)
        #expect(arrivals(["a1", "b1", "c1"], at: &turns) == [true, false, false])
        let cancelled = turns.cancel(ticket: 2, of: "b")
        #expect(cancelled == "b1")
        let again = turns.cancel(ticket: 2, of: "b")
        #expect(again == nil)
        #expect(turns.waiting == 1)
        let next = turns.finish("a")
        #expect(next == "c1")
        let late = turns.cancel(ticket: 3, of: "c")
        #expect(late == nil, "its turn came first")
        let none = turns.finish("c")
        #expect(none == nil)
    }
}
