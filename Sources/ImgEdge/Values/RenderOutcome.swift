/// The outcome of rendering one request: the variant's bytes, or "not modified".
enum RenderOutcome: Sendable {
    case image(RenderedImage)
    /// The client's `If-None-Match` already names this variant's tag.
    case notModified(VariantHeader)
}
