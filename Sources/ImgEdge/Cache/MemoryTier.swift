import NIOCore

/// Variants kept in memory, bounded in bytes, least recently used evicted first.
///
/// The bound is split over shards (`ShardedClockTable`): concurrent hits on different variants
/// rarely meet on a lock, and a hit holds its lock for one hash lookup. A variant larger than a
/// shard is not kept.
final class MemoryTier: VariantTier {
    private let table: ShardedClockTable<VariantKey, CachedVariant>

    /// What an entry costs beyond its body: the key's strings, the header, the table's slots.
    static let entryOverhead = 512

    /// - Parameter capacity: the most bytes held, bodies and overhead counted.
    init(capacity: Int) {
        // Shards of at least 8 MiB, at most 16 of them: a small cache still holds big variants.
        table = ShardedClockTable(capacity: capacity, shardCount: min(16, capacity / (8 << 20)))
    }

    /// Bytes held now, over every shard.
    var weight: Int { table.weight }

    func lookup(_ key: VariantKey, ifNoneMatch: String?, on eventLoop: any EventLoop) -> EventLoopHit<VariantCache.Hit>? {
        guard let variant = table.value(for: key) else { return nil }
        return .now(.notModifiedAnswer(for: variant.header, ifNoneMatch: ifNoneMatch) ?? .variant(variant))
    }

    func store(_ variant: CachedVariant, for key: VariantKey) async {
        keep(variant, for: key)
    }

    /// Stores `variant` for `key` without suspending: for a disk hit promoted on the event loop.
    func keep(_ variant: CachedVariant, for key: VariantKey) {
        let weight =
            variant.body.readableBytes + key.source.utf8.count + key.version.utf8.count + key.rendering.utf8.count
            + Self.entryOverhead
        table.insert(variant, for: key, weight: weight)
    }
}
