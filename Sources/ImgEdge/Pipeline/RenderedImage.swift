public import Vips

/// The outcome of rendering one request: an encoded image, or "not modified".
public enum RenderOutcome: Sendable {
    case image(RenderedImage)
    /// The client's `If-None-Match` already names this variant's tag.
    case notModified(RenderedImage.Validators)
}

/// An encoded image with everything its response headers need.
public struct RenderedImage: Sendable {
    /// What identifies this variant for caches.
    public struct Validators: Sendable {
        /// The quoted strong `ETag`.
        public var entityTag: String
        /// The source's `Last-Modified`, when the origin told it.
        public var lastModified: String?
    }

    public var bytes: [UInt8]
    public var format: ImageFormat
    public var validators: Validators
    public var timings: StageTimings
}
