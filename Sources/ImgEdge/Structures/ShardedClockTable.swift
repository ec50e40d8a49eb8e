import Synchronization

/// A `ClockTable` split over shards, each behind its own mutex and picked by the key's hash, so
/// that concurrent lookups of different keys rarely meet on a lock and each holds its lock for
/// one hash lookup. The capacity is split evenly, so a value heavier than a shard is not kept.
final class ShardedClockTable<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private final class Shard: Sendable {
        let table: Mutex<ClockTable<Key, Value>>

        init(capacity: Int) {
            table = Mutex(ClockTable(capacity: capacity))
        }
    }

    private let shards: [Shard]

    /// - Parameters:
    ///   - capacity: the most total weight held, over every shard.
    ///   - shardCount: how many shards share it (at least one).
    init(capacity: Int, shardCount: Int) {
        let count = max(1, shardCount)
        shards = (0..<count).map { _ in Shard(capacity: capacity / count) }
    }

    /// The total weight held now.
    var weight: Int {
        shards.reduce(0) { total, shard in total + shard.table.withLock(\.weight) }
    }

    /// The value for `key`, marked as used.
    func value(for key: Key) -> Value? {
        shard(for: key).table.withLock { $0.value(for: key) }
    }

    /// Inserts or replaces the value for `key`; what that evicts is released after the lock.
    func insert(_ value: Value, for key: Key, weight: Int) {
        let evicted = shard(for: key).table.withLock { $0.insert(value, for: key, weight: weight) }
        _ = evicted
    }

    private func shard(for key: Key) -> Shard {
        shards[Int(UInt(bitPattern: key.hashValue) % UInt(shards.count))]
    }
}
