/// What tells a request's variant from another of the same source: everything in the request
/// that decides its bytes, made once, from one recipe, for both the variant key and the ETag.
struct VariantIdentity: Sendable, Hashable, Codable {
    /// The options and the filter chain: with the source's digest, the format and the encoder
    /// settings, the ETag's input (`EntityTag`).
    let request: String
    /// The negotiated format: which formats the answer may take.
    let negotiation: String

    init(options: ProcessingOptions, filters: RequestFilters, negotiated: NegotiatedFormat) {
        request = options.cacheKey + "|" + filters.cacheKey
        negotiation = negotiated.cacheKey
    }

    /// The variant key's part besides the source: this identity and `renderer`, the encoder
    /// settings' and the renderer's version's part, the same for every request.
    func rendering(renderer: String) -> String {
        request + "|" + negotiation + "|" + renderer
    }
}
