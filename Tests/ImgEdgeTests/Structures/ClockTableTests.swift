import Testing

@testable import ImgEdge

@Suite("The CLOCK table, step by step")
struct ClockTableTests {
    typealias Table = ClockTable<String, Int>

    /// A table of capacity 3 holding a, b, c of weight 1 each, none used yet.
    private func filled() -> Table {
        var table = Table(capacity: 3)
        for (index, key) in ["a", "b", "c"].enumerated() {
            #expect(table.insert(index, for: key, weight: 1).isEmpty)
        }
        return table
    }

    @Test("past the capacity the oldest unused entry goes first")
    func evictsOldestUnused() {
        var table = filled()
        let evicted = table.insert(3, for: "d", weight: 1)
        #expect(evicted.map(\.key) == ["a"])
        #expect(table.peek("a") == nil)
        #expect(table.weight == 3)
        #expect(table.count == 3)
    }

    @Test("an entry used since it was stored gets a second chance; the next unused one goes")
    func secondChance() {
        var table = filled()
        #expect(table.value(for: "a") == 0)
        let evicted = table.insert(3, for: "d", weight: 1)
        #expect(evicted.map(\.key) == ["b"])
        #expect(table.peek("a") == 0)
        let next = table.insert(4, for: "e", weight: 1)
        #expect(next.map(\.key) == ["c"], "a's chance is used up only when the hand passes it again")
    }

    @Test("peek does not count as a use")
    func peekIsNotUse() {
        var table = filled()
        #expect(table.peek("a") == 0)
        #expect(table.insert(3, for: "d", weight: 1).map(\.key) == ["a"])
    }

    @Test("a heavy entry evicts as many as it needs, and one heavier than the capacity is not kept")
    func weights() {
        var table = filled()
        #expect(table.insert(9, for: "big", weight: 2).map(\.key) == ["a", "b"])
        #expect(table.weight == 3)
        #expect(table.insert(10, for: "huge", weight: 4).isEmpty)
        #expect(table.peek("huge") == nil)
        #expect(table.weight == 3)
    }

    @Test("replacing a key changes its value and weight without evicting it, and its old slot is skipped")
    func replacement() {
        var table = filled()
        #expect(table.insert(7, for: "a", weight: 1).isEmpty)
        #expect(table.peek("a") == 7)
        #expect(table.insert(3, for: "d", weight: 1).map(\.key) == ["b"], "a's old slot is stale, its new one is newest")
        #expect(table.weight == 3)
    }

    @Test("a removed key frees its weight, and its slot is skipped")
    func removal() {
        var table = filled()
        #expect(table.remove("a") == 0)
        #expect(table.weight == 2)
        #expect(table.insert(3, for: "d", weight: 1).isEmpty)
        #expect(table.insert(4, for: "e", weight: 1).map(\.key) == ["b"])
    }

    @Test("under churn of many keys with repeats, weight never passes the capacity and the ring stays bounded")
    func churn() {
        var table = ClockTable<Int, Int>(capacity: 1000)
        var generator = SeededGenerator(seed: 7)
        for step in 0..<20_000 {
            let key = Int.random(in: 0..<500, using: &generator)
            if step % 3 == 0 {
                _ = table.value(for: key)
            } else if step % 7 == 0 {
                table.remove(key)
            } else {
                table.insert(step, for: key, weight: Int.random(in: 1...50, using: &generator))
            }
            #expect(table.weight <= 1000)
        }
        #expect(table.count > 0)
    }
}
