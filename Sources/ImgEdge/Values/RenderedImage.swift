import NIOCore

/// A variant's bytes, an encoded image or an answer about the source (`format=json`,
/// `format=thumbhash`), with everything its response headers need.
struct RenderedImage: Sendable {
    /// The encoded image, or the answer's bytes.
    var body: ByteBuffer
    var header: VariantHeader
    /// Where a render's time went; empty for a cache hit.
    var timings: StageTimings

    /// What the bytes are.
    var format: VariantFormat { header.format }
}
