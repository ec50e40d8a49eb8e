/// One image request as the spine serves it: what to render, from which source, within which
/// limits, and for which client.
struct ImageRequest: Sendable {
    /// Where the original comes from.
    enum Source: Sendable {
        /// A path at the configured origin (`GET /<path>`).
        case origin(SourcePath)
        /// The request body (`POST /resize`).
        case upload(Upload)
    }

    /// The options, filters and format, parsed and negotiated.
    var parsed: RenderRequest
    var source: Source
    /// The limits current when the request started.
    var limits: SourceLimits
    /// Whose share of worker places and whose turns at the threads a miss takes; nil for a
    /// request that came through no socket.
    var client: ClientAddress?

    /// The source as a log line names it: its path at the origin, or an upload (the access log
    /// line that follows has the whole request).
    var sourceLabel: String {
        switch source {
        case .origin(let path): "/\(path)"
        case .upload: "an upload"
        }
    }
}
