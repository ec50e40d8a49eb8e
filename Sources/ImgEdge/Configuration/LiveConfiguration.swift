import Synchronization

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

extension RequestSettings {
    /// The settings `configuration` gives a request.
    init(_ configuration: ImgEdgeConfiguration) {
        let fileEntries = configuration.presetsFile.isEmpty ? [] : Presets.entries(inFile: configuration.presetsFile) ?? []
        self.init(
            limits: configuration.limits,
            negotiator: FormatNegotiator(modernPreference: configuration.formatPreference),
            clientHints: configuration.clientHints,
            presets: Presets(entries: configuration.presets + fileEntries, isExclusive: configuration.presetsOnly),
            cacheControl: configuration.cacheControl,
            uploadTimeout: configuration.uploadTimeout,
            signer: URLSigner(keys: configuration.signingKeys))
    }
}
