/// Where an answer came from, as the `X-Cache` header says.
enum CacheStatus: String, CaseIterable, Sendable {
    case hitMemory = "HIT-MEMORY"
    case hitDisk = "HIT-DISK"
    /// Rendered for this request.
    case miss = "MISS"
    /// Rendered for an identical request under way when this one arrived.
    case coalesced = "COALESCED"
}
