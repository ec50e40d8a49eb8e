import NIOPosix

@testable import ImgEdge

extension VariantTier {
    /// The variant stored for `key`, body included, as a request without `If-None-Match` gets it.
    func variant(for key: VariantKey) async -> CachedVariant? {
        guard
            case .variant(let variant)? = await lookup(key, ifNoneMatch: nil, on: MultiThreadedEventLoopGroup.singleton.any())?
                .value
        else { return nil }
        return variant
    }

    /// The header the tier's index holds for `key`, as it answers `If-None-Match: *` (a 304 that
    /// reads no body); nil when it holds nothing for `key`.
    func header(for key: VariantKey) async -> VariantHeader? {
        guard
            case .notModified(let header)? = await lookup(key, ifNoneMatch: "*", on: MultiThreadedEventLoopGroup.singleton.any())?
                .value
        else { return nil }
        return header
    }
}
