/// Which encode of a variant a render job is (`VariantStage` says what its answer is).
enum RenderPass: String, Codable, Sendable {
    /// The only encode: nothing replaces it (uploads, the fallback image).
    case only
    /// A miss's encode, which the optimiser may replace when its variant has a fast stage.
    case fast
    /// The optimiser's encode: the quality searched for the image, at the optimised effort.
    case optimised
}
