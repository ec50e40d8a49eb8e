public import NIOCore
import NIOPosix
public import Vips

/// One rendered variant as the cache tiers keep it: the encoded bytes and what their response
/// headers need.
public struct CachedVariant: Sendable {
    /// What a tier's index holds of a variant, enough to answer a 304 without its body.
    public struct Header: Sendable, Equatable {
        public var format: VariantFormat
        /// The quoted strong `ETag`.
        public var entityTag: String
        /// The source's `Last-Modified`, when the origin told it.
        public var lastModified: String?
        /// When it was rendered, in whole seconds since 1970; `Age` counts from it.
        public var renderedAt: Int
    }

    public var header: Header
    /// The encoded image, shared by every response that sends it.
    public var body: ByteBuffer
}

/// A place variants are kept: memory or disk.
///
/// A tier bounds its own size and evicts on its own; a lookup that finds nothing, or finds an
/// entry it cannot trust (a corrupt file), answers nil. Storing never fails a request: a tier
/// that cannot store drops the variant.
protocol VariantTier: Sendable {
    /// The header of the variant stored for `key`, from the index alone.
    func header(for key: VariantKey) -> CachedVariant.Header?
    /// The variant stored for `key`, body included, for a handler on `eventLoop`: at once when
    /// the tier holds it in memory or the kernel's caches hold its file, later (on `eventLoop`)
    /// when the disk must be read; nil when the tier knows at once that it has nothing to trust.
    func variant(for key: VariantKey, on eventLoop: any EventLoop) -> EventLoopHit<CachedVariant>?
    /// Keeps `variant` for `key`, replacing what was there.
    func store(_ variant: CachedVariant, for key: VariantKey) async
}

extension VariantTier {
    /// The variant stored for `key`, body included.
    func variant(for key: VariantKey) async -> CachedVariant? {
        await variant(for: key, on: MultiThreadedEventLoopGroup.singleton.any())?.value
    }
}
