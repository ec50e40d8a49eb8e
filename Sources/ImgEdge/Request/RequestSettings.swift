/// The settings a request reads once, at its start, from the running configuration: a
/// config-file reload may change them between requests, never during one.
struct RequestSettings: Sendable {
    let limits: SourceLimits
    let negotiator: FormatNegotiator
    let clientHints: ClientHintSettings
    let presets: Presets
    /// The `Cache-Control` value for images.
    let cacheControl: String
    let uploadTimeout: Duration
    /// Checks `sig` on every image request; nil when signing is off.
    let signer: URLSigner?
    /// The requests the cache-hit path parsed under these settings.
    let parsedRequests = ParsedRequestMemo()
}
