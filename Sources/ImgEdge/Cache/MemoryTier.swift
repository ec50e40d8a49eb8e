import NIOCore
import Synchronization

/// Variants kept in memory, bounded in bytes, least recently used evicted first.
///
/// The bound is split over shards, each a `ClockTable` behind its own mutex, picked by the
/// key's hash: concurrent hits on different variants rarely meet on a lock, and a hit holds
/// its lock for one hash lookup. A variant larger than a shard is not kept.
final class MemoryTier: VariantTier {
    private final class Shard: Sendable {
        let table: Mutex<ClockTable<VariantKey, CachedVariant>>

        init(capacity: Int) {
            table = Mutex(ClockTable(capacity: capacity))
        }
    }

    private let shards: [Shard]

    /// What an entry costs beyond its body: the key's strings, the header, the table's slots.
    static let entryOverhead = 512

    /// - Parameter capacity: the most bytes held, bodies and overhead counted.
    init(capacity: Int) {
        // Shards of at least 8 MiB, at most 16 of them: a small cache still holds big variants.
        let count = min(16, max(1, capacity / (8 << 20)))
        shards = (0..<count).map { _ in Shard(capacity: capacity / count) }
    }

    /// Bytes held now, over every shard.
    var weight: Int {
        shards.reduce(0) { total, shard in total + shard.table.withLock(\.weight) }
    }

    func header(for key: VariantKey) -> CachedVariant.Header? {
        shard(for: key).table.withLock { $0.value(for: key)?.header }
    }

    func variant(for key: VariantKey, on eventLoop: any EventLoop) -> EventLoopFuture<CachedVariant?> {
        eventLoop.makeSucceededFuture(cachedVariant(for: key))
    }

    /// The variant stored for `key`, without suspending: for the event loop's hit path.
    func cachedVariant(for key: VariantKey) -> CachedVariant? {
        shard(for: key).table.withLock { $0.value(for: key) }
    }

    func store(_ variant: CachedVariant, for key: VariantKey) async {
        keep(variant, for: key)
    }

    /// Stores `variant` for `key` without suspending: for a disk hit promoted on the event loop.
    func keep(_ variant: CachedVariant, for key: VariantKey) {
        let weight = variant.body.readableBytes + key.source.utf8.count + key.version.utf8.count + key.rendering.utf8.count
            + Self.entryOverhead
        // The evicted variants are released after the lock, not under it.
        let evicted = shard(for: key).table.withLock { $0.insert(variant, for: key, weight: weight) }
        _ = evicted
    }

    private func shard(for key: VariantKey) -> Shard {
        shards[Int(UInt(bitPattern: key.hashValue) % UInt(shards.count))]
    }
}
