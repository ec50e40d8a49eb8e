import NIOCore
import Vips

/// One rendered variant as the cache tiers keep it: the encoded bytes and what their response
/// headers need.
struct CachedVariant: Sendable {
    /// What a tier's index holds of a variant, enough to answer a 304 without its body.
    struct Header: Sendable, Equatable {
        var format: VariantFormat
        /// The quoted strong `ETag`.
        var entityTag: String
        /// The source's `Last-Modified`, when the origin told it.
        var lastModified: String?
        /// When it was rendered, in whole seconds since 1970; `Age` counts from it.
        var renderedAt: Int
    }

    var header: Header
    /// The encoded image, shared by every response that sends it.
    var body: ByteBuffer

    /// The largest `Age` sent: RFC 9111 §1.2.2 caps delta-seconds at 2^31.
    static let maxAge = 2_147_483_648

    /// The `Age`, in seconds, at `now` of a variant rendered at `renderedAt` (both in seconds
    /// since 1970): 0 for one rendered in the future, at most `maxAge`. It never traps, whatever
    /// `renderedAt` holds: a tier checks what it reads, and this is the defence behind that.
    static func age(renderedAt: Int, now: Int) -> Int {
        let (age, overflow) = now.subtractingReportingOverflow(renderedAt)
        if overflow { return renderedAt < 0 ? maxAge : 0 }
        return min(max(0, age), maxAge)
    }
}

/// A place variants are kept: memory or disk.
///
/// A tier bounds its own size and evicts on its own; a lookup that finds nothing, or finds an
/// entry it cannot trust (a corrupt file), answers nil. Storing never fails a request: a tier
/// that cannot store drops the variant.
protocol VariantTier: Sendable {
    /// What the tier holds for `key`, for a handler on `eventLoop`: `.notModified` from the index
    /// alone when `ifNoneMatch` names the stored tag; otherwise the variant, at once when the tier
    /// holds it in memory or the kernel's caches hold its file, later (on `eventLoop`) when the
    /// disk must be read. Nil when the tier knows at once that it has nothing to trust.
    func lookup(_ key: VariantKey, ifNoneMatch: String?, on eventLoop: any EventLoop) -> EventLoopHit<VariantCache.Hit>?
    /// Keeps `variant` for `key`, replacing what was there.
    func store(_ variant: CachedVariant, for key: VariantKey) async
}
