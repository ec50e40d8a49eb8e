import NIOCore
import Vips

/// The outcome of rendering one request: the variant's bytes, or "not modified".
enum RenderOutcome: Sendable {
    case image(RenderedImage)
    /// The client's `If-None-Match` already names this variant's tag.
    case notModified(RenderedImage.Validators)
}

/// A variant's bytes, an encoded image or an answer about the source (`format=json`,
/// `format=thumbhash`), with everything its response headers need.
struct RenderedImage: Sendable {
    /// What identifies this variant for caches.
    struct Validators: Sendable {
        /// What the variant's bytes are, which `X-Variant` names.
        var format: VariantFormat
        /// The quoted strong `ETag`.
        var entityTag: String
        /// The source's `Last-Modified`, when the origin told it.
        var lastModified: String?
    }

    /// The encoded image, or the answer's bytes.
    var body: ByteBuffer
    var validators: Validators
    var timings: StageTimings

    /// What the bytes are.
    var format: VariantFormat { validators.format }
}

/// Where an answer came from, as the `X-Cache` header says.
enum CacheStatus: String, CaseIterable, Sendable {
    case hitMemory = "HIT-MEMORY"
    case hitDisk = "HIT-DISK"
    /// Rendered for this request.
    case miss = "MISS"
    /// Rendered for an identical request under way when this one arrived.
    case coalesced = "COALESCED"
}

/// What the service answers one request with.
struct ServedAnswer: Sendable {
    var outcome: RenderOutcome
    var cacheStatus: CacheStatus
    /// When a cached answer was rendered, in seconds since 1970, for `Age`; nil for a fresh render.
    var renderedAt: Int?
    /// Whether this is the fallback image, standing in for an original the origin does not have.
    var isFallback = false
}
