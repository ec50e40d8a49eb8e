import NIOCore

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
