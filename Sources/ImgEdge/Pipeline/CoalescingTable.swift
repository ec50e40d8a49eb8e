/// The bookkeeping of `RequestCoalescer`, free of tasks, locks and clocks: which keys have work
/// under way, and who waits for each.
///
/// The first waiter for a key leads: it is told to start the work and hands its handle back
/// with `started`. Waiters arriving while the work runs follow. A waiter that leaves is removed;
/// when the last one leaves, the entry goes and its work is handed back to be cancelled, since
/// nobody wants its result. Each run of a key has its own number, so work abandoned this way
/// that finishes late cannot take the waiters of a newer run for the same key.
struct CoalescingTable<Key: Hashable, Waiter, Work> {
    /// A waiter's place in the table, to leave by.
    struct Ticket: Hashable {
        let key: Key
        let waiter: Int
    }

    fileprivate struct Entry {
        let run: Int
        var work: Work?
        var waiters: [Int: Waiter]
    }

    private var entries: [Key: Entry] = [:]
    private var lastNumber = 0

    /// Keys with work under way.
    var count: Int { entries.count }

    /// How many wait for the run of `key` under way.
    func waiters(for key: Key) -> Int {
        entries[key]?.waiters.count ?? 0
    }

    /// Adds `waiter` for `key`. Returns the run to start when it leads, nil when it follows.
    mutating func join(_ key: Key, waiter: Waiter) -> (ticket: Ticket, leads: Int?) {
        lastNumber += 1
        let ticket = Ticket(key: key, waiter: lastNumber)
        if entries[key] != nil {
            entries[key]!.waiters[ticket.waiter] = waiter
            return (ticket, nil)
        }
        entries[key] = Entry(run: lastNumber, work: nil, waiters: [ticket.waiter: waiter])
        return (ticket, lastNumber)
    }

    /// Records the handle of the work a leader started. Returns false when every waiter left in
    /// the meantime: the caller cancels the work.
    mutating func started(_ key: Key, run: Int, work: Work) -> Bool {
        guard entries[key]?.run == run else { return false }
        entries[key]!.work = work
        return true
    }

    /// Removes a waiter. Returns it, to be told it left, unless the work already finished or it
    /// left before; and the work, to be cancelled, when it was the last one waiting.
    mutating func leave(_ ticket: Ticket) -> (waiter: Waiter?, abandoned: Work?) {
        guard let waiter = entries[ticket.key]?.waiters.removeValue(forKey: ticket.waiter) else { return (nil, nil) }
        guard entries[ticket.key]!.waiters.isEmpty else { return (waiter, nil) }
        return (waiter, entries.removeValue(forKey: ticket.key)!.work)
    }

    /// Ends `run` of `key`: returns its waiters, to be given the result.
    mutating func finish(_ key: Key, run: Int) -> [Waiter] {
        guard entries[key]?.run == run else { return [] }
        return Array(entries.removeValue(forKey: key)!.waiters.values)
    }
}

extension CoalescingTable: Sendable where Key: Sendable, Waiter: Sendable, Work: Sendable {}
extension CoalescingTable.Ticket: Sendable where Key: Sendable {}
extension CoalescingTable.Entry: Sendable where Key: Sendable, Waiter: Sendable, Work: Sendable {}
