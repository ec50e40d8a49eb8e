/// What the service answers one request with.
struct ServedAnswer: Sendable {
    var outcome: RenderOutcome
    var cacheStatus: CacheStatus
    /// Whether this is the fallback image, standing in for an original the origin does not have.
    var isFallback = false

    /// Whether a tier kept it from an earlier render: it has an `Age`, and no `Server-Timing`.
    var isCacheHit: Bool {
        cacheStatus == .hitMemory || cacheStatus == .hitDisk
    }
}
