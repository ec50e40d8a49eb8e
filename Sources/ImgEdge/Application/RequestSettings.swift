import Synchronization

/// The settings a request reads once, at its start: those a config-file reload may change.
struct RequestSettings: Sendable {
    let limits: SourceLimits
    let negotiator: FormatNegotiator
    let responses: ImageResponse
    let uploadTimeout: Duration
    /// Checks `sig` on every image request; nil when signing is off.
    let signer: URLSigner?

    init(_ configuration: ImgEdgeConfiguration) {
        signer = URLSigner(keys: configuration.signingKeys)
        limits = configuration.limits
        uploadTimeout = configuration.uploadTimeout
        negotiator = FormatNegotiator(modernPreference: configuration.formatPreference)
        responses = ImageResponse(cacheControl: configuration.cacheControl)
    }
}

/// The running configuration, of which a reload applies the keys declared reloadable.
///
/// A reload replaces the request settings whole; requests already running keep the ones
/// they started with.
final class LiveConfiguration: Sendable {
    private let state: Mutex<(configuration: ImgEdgeConfiguration, settings: RequestSettings)>

    init(_ configuration: ImgEdgeConfiguration) {
        state = Mutex((configuration, RequestSettings(configuration)))
    }

    /// The settings for a request starting now.
    var current: RequestSettings {
        state.withLock { $0.settings }
    }

    /// Applies the reloadable keys of `reloaded`.
    ///
    /// - Returns: the keys applied, and those that changed but take effect only at a restart.
    func apply(_ reloaded: ImgEdgeConfiguration) -> (applied: [String], needRestart: [String]) {
        state.withLock { state in
            var running = state.configuration
            var applied: [String] = []
            var needRestart: [String] = []
            for key in ImgEdgeConfiguration.keys where key.value(in: reloaded) != key.value(in: running) {
                if key.isReloadable {
                    key.copy(from: reloaded, to: &running)
                    applied.append(key.name)
                } else {
                    needRestart.append(key.name)
                }
            }
            state = (running, RequestSettings(running))
            return (applied, needRestart)
        }
    }
}
