import NIOCore
import NIOPosix

/// The variant cache: a memory tier in front of a disk tier, either of which may be off.
///
/// A lookup tries memory, then disk; a disk hit is promoted to memory. A conditional request
/// whose `If-None-Match` names the cached tag is answered from the tier's index alone, without
/// reading a body from disk.
struct VariantCache: Sendable {
    /// What a lookup found.
    enum Hit: Sendable {
        case variant(CachedVariant)
        /// The client's `If-None-Match` names the cached variant's tag.
        case notModified(VariantHeader)
    }

    let memory: MemoryTier?
    let disk: (any VariantTier)?

    /// The cached answer for `key`, and the tier that had it, or nil on a miss.
    func lookup(_ key: VariantKey, ifNoneMatch: String?) async -> (hit: Hit, status: CacheStatus)? {
        await lookup(key, ifNoneMatch: ifNoneMatch, on: MultiThreadedEventLoopGroup.singleton.any())?.value
    }

    /// `lookup` for a handler on `eventLoop`: a memory hit or a 304 from a tier's index at once,
    /// a disk body at once when the kernel's caches hold its file and otherwise once the thread
    /// pool has read it, promoted to memory either way; nil when no tier has `key`.
    func lookup(
        _ key: VariantKey, ifNoneMatch: String?, on eventLoop: any EventLoop
    ) -> EventLoopHit<(hit: Hit, status: CacheStatus)>? {
        if let found = memory?.lookup(key, ifNoneMatch: ifNoneMatch, on: eventLoop) {
            return found.map { ($0, .hitMemory) }
        }
        return disk?.lookup(key, ifNoneMatch: ifNoneMatch, on: eventLoop)?.map { [memory] hit in
            if case .variant(let variant) = hit {
                memory?.keep(variant, for: key)
            }
            return (hit, .hitDisk)
        }
    }

    /// Keeps `variant` in every tier.
    func store(_ variant: CachedVariant, for key: VariantKey) async {
        await memory?.store(variant, for: key)
        await disk?.store(variant, for: key)
    }
}

extension VariantCache.Hit {
    /// The header of the variant found.
    var header: VariantHeader {
        switch self {
        case .variant(let variant): variant.header
        case .notModified(let header): header
        }
    }

    /// `.notModified` when `ifNoneMatch` names `header`'s tag; nil otherwise.
    static func notModifiedAnswer(for header: VariantHeader, ifNoneMatch: String?) -> Self? {
        guard let ifNoneMatch, EntityTag.isMatched(header.entityTag, byIfNoneMatch: ifNoneMatch) else { return nil }
        return .notModified(header)
    }
}
