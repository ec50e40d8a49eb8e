/// Whether a variant's bytes are the last it will have: `X-Stage` names it.
///
/// A miss is answered as fast as it can be encoded, at the format's default quality (`fast`);
/// the optimiser then encodes it again at the quality chosen for the image and a high effort
/// (`optimised`), and that replaces it. Until then the fast bytes go out with a short
/// `max-age` instead of `immutable`, so that caches come back for the smaller ones. A variant
/// with nothing to optimise (a URL's own `q`, a lossless format, an animation, an upload, the
/// optimiser off) is `final` at once.
enum VariantStage: String, Codable, Sendable {
    case fast
    case optimised
    case final

    /// Whether caches may keep the bytes forever.
    var isLasting: Bool { self != .fast }
}
