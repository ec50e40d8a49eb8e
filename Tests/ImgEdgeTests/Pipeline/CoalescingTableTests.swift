import Testing

@testable import ImgEdge

@Suite("The coalescing table, step by step")
struct CoalescingTableTests {
    typealias Table = CoalescingTable<String, String, String>

    @Test("the first waiter leads, later ones follow, and finishing hands the result to all of them")
    func leadAndFollow() {
        var table = Table()
        let (_, leads) = table.join("k", waiter: "a")
        let (_, follows) = table.join("k", waiter: "b")
        #expect(leads != nil)
        #expect(follows == nil)
        let recorded = table.started("k", run: leads!, work: "job")
        let finished = table.finish("k", run: leads!)
        #expect(recorded)
        #expect(finished.sorted() == ["a", "b"])
        #expect(table.count == 0)
        let next = table.join("k", waiter: "c")
        #expect(next.leads != nil, "a finished key starts a new run")
    }

    @Test("a waiter that leaves is told so; the work goes on while others wait, and is abandoned by the last")
    func leaving() {
        var table = Table()
        let (first, run) = table.join("k", waiter: "a")
        let (second, _) = table.join("k", waiter: "b")
        _ = table.started("k", run: run!, work: "job")

        let one = table.leave(first)
        #expect(one.waiter == "a")
        #expect(one.abandoned == nil)
        #expect(table.waiters(for: "k") == 1)

        let last = table.leave(second)
        #expect(last.waiter == "b")
        #expect(last.abandoned == "job")
        #expect(table.count == 0)
        let late = table.finish("k", run: run!)
        #expect(late.isEmpty, "the abandoned run finishing late finds nobody")
    }

    @Test("leaving twice, or after the work finished, does nothing")
    func leavingIsIdempotent() {
        var table = Table()
        let (ticket, run) = table.join("k", waiter: "a")
        _ = table.started("k", run: run!, work: "job")
        _ = table.leave(ticket)
        let again = table.leave(ticket)
        #expect(again.waiter == nil)

        let (late, laterRun) = table.join("k", waiter: "b")
        _ = table.finish("k", run: laterRun!)
        let afterFinish = table.leave(late)
        #expect(afterFinish.waiter == nil)
        #expect(afterFinish.abandoned == nil)
    }

    @Test("work started after every waiter left is refused, to be cancelled")
    func abandonedBeforeStart() {
        var table = Table()
        let (ticket, run) = table.join("k", waiter: "a")
        let left = table.leave(ticket)
        let recorded = table.started("k", run: run!, work: "job")
        #expect(left.abandoned == nil, "no work yet to hand back")
        #expect(recorded == false)
    }

    @Test("an abandoned run that ends late cannot take the waiters of a newer run of the same key")
    func runsAreNumbered() {
        var table = Table()
        let (old, oldRun) = table.join("k", waiter: "a")
        _ = table.started("k", run: oldRun!, work: "old job")
        _ = table.leave(old)
        let (_, newRun) = table.join("k", waiter: "b")
        _ = table.started("k", run: newRun!, work: "new job")

        let oldFinished = table.finish("k", run: oldRun!)
        let oldRecorded = table.started("k", run: oldRun!, work: "old job")
        let newFinished = table.finish("k", run: newRun!)
        #expect(oldFinished.isEmpty)
        #expect(oldRecorded == false)
        #expect(newFinished == ["b"])
    }
}
