import NIOCore
import Vips

/// One rendered variant as the cache tiers keep it: the encoded bytes and what their response
/// headers need.
struct CachedVariant: Sendable {
    var header: VariantHeader
    /// The encoded image, shared by every response that sends it.
    var body: ByteBuffer

    init(header: VariantHeader, body: ByteBuffer) {
        self.header = header
        self.body = body
    }

    /// The variant `image` is.
    init(_ image: RenderedImage) {
        self.init(header: image.header, body: image.body)
    }

    /// The same bytes as lasting: fast bytes the optimiser kept.
    var markedFinal: CachedVariant {
        var variant = self
        variant.header.stage = .final
        return variant
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
