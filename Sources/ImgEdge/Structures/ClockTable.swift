import DequeModule

/// A table bounded by the total weight of its values, evicting the least recently used first,
/// as the CLOCK algorithm approximates it.
///
/// A lookup only marks its entry as used; it never reorders anything, so a hit costs one hash
/// lookup and no allocation. When an insertion passes the capacity, entries are taken from the
/// front of the ring: one used since it last passed is given a second chance at the back, one
/// unused is evicted. This is the state machine alone, without locks, I/O or clocks; the cache
/// tiers and the source-version memo keep one (or one per shard) behind a mutex.
struct ClockTable<Key: Hashable, Value> {
    fileprivate struct Entry {
        var value: Value
        var weight: Int
        /// Which insertion of the key this is, so a ring slot left by a removed or replaced
        /// entry is recognised as stale.
        var generation: Int
        var used: Bool
    }

    /// The most total weight held.
    let capacity: Int
    /// The total weight held.
    private(set) var weight = 0
    private var entries: [Key: Entry] = [:]
    private var ring: Deque<(key: Key, generation: Int)> = []
    private var generations = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    var count: Int { entries.count }

    /// The value for `key`, marked as used.
    mutating func value(for key: Key) -> Value? {
        guard let index = entries.index(forKey: key) else { return nil }
        entries.values[index].used = true
        return entries.values[index].value
    }

    /// The value for `key`, leaving its use unmarked.
    func peek(_ key: Key) -> Value? {
        entries[key]?.value
    }

    /// Inserts or replaces the value for `key`, then evicts until the weight fits.
    ///
    /// A value heavier than the whole capacity is not kept.
    /// - Returns: the entries evicted (the replaced value is not among them), oldest first.
    @discardableResult
    mutating func insert(_ value: Value, for key: Key, weight: Int) -> [(key: Key, value: Value)] {
        guard weight <= capacity else { return [] }
        if let old = entries.removeValue(forKey: key) {
            self.weight -= old.weight
        }
        generations += 1
        entries[key] = Entry(value: value, weight: weight, generation: generations, used: false)
        ring.append((key, generations))
        self.weight += weight
        return evictUntilWithinCapacity()
    }

    /// Removes the entry for `key`.
    @discardableResult
    mutating func remove(_ key: Key) -> Value? {
        guard let entry = entries.removeValue(forKey: key) else { return nil }
        weight -= entry.weight
        return entry.value
    }

    private mutating func evictUntilWithinCapacity() -> [(key: Key, value: Value)] {
        var evicted: [(key: Key, value: Value)] = []
        while weight > capacity, let slot = ring.popFirst() {
            guard let index = entries.index(forKey: slot.key), entries.values[index].generation == slot.generation else {
                continue  // removed or replaced since
            }
            if entries.values[index].used {
                entries.values[index].used = false
                ring.append(slot)
            } else {
                let entry = entries.remove(at: index).value
                weight -= entry.weight
                evicted.append((slot.key, entry.value))
            }
        }
        compactRingIfMostlyStale()
        return evicted
    }

    /// Drops stale slots once they outnumber live ones, so removals and replacements cannot
    /// grow the ring without bound.
    private mutating func compactRingIfMostlyStale() {
        guard ring.count > 2 * entries.count + 16 else { return }
        ring = Deque(ring.filter { entries[$0.key]?.generation == $0.generation })
    }
}

extension ClockTable: Sendable where Key: Sendable, Value: Sendable {}
extension ClockTable.Entry: Sendable where Key: Sendable, Value: Sendable {}
