/// What the service answers one request with.
struct ServedAnswer: Sendable {
    var outcome: RenderOutcome
    var cacheStatus: CacheStatus
    /// When a cached answer was rendered, in seconds since 1970, for `Age`; nil for a fresh render.
    var renderedAt: Int?
    /// Whether this is the fallback image, standing in for an original the origin does not have.
    var isFallback = false
}
