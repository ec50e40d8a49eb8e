/// The settings a request reads once, at its start, from the running configuration: a
/// config-file reload may change them between requests, never during one.
struct RequestSettings: Sendable {
    let limits: SourceLimits
    let negotiator: FormatNegotiator
    let clientHints: ClientHintSettings
    let presets: Presets
    let responses: ImageResponse
    let uploadTimeout: Duration
    /// Checks `sig` on every image request; nil when signing is off.
    let signer: URLSigner?
    /// The requests the cache-hit path parsed under these settings.
    let parsedRequests = ParsedRequestMemo()

    init(_ configuration: ImgEdgeConfiguration) {
        limits = configuration.limits
        negotiator = FormatNegotiator(modernPreference: configuration.formatPreference)
        clientHints = configuration.clientHints
        let fileEntries = configuration.presetsFile.isEmpty ? [] : Presets.entries(inFile: configuration.presetsFile) ?? []
        presets = Presets(entries: configuration.presets + fileEntries, isExclusive: configuration.presetsOnly)
        responses = ImageResponse(cacheControl: configuration.cacheControl)
        uploadTimeout = configuration.uploadTimeout
        signer = URLSigner(keys: configuration.signingKeys)
    }
}
