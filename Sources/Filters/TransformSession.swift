import Synchronization

/// One request body passing through a transform module, chunk by chunk as it arrives.
///
/// The session holds one instance of the module from `FilterRegistry`'s pool for the whole body.
/// Calls must come one at a time (the caller awaits each before the next), but may come from
/// different threads: the lock orders them, as a `Store` needs. The instance goes back to the
/// pool after a successful `finish`, and is dropped after any failure or if the session is
/// abandoned.
public final class TransformSession: Sendable {
    public let module: FilterModule
    private let registry: FilterRegistry
    private let state: Mutex<(instance: FilterInstance?, bodyBytes: Int)>

    init(module: FilterModule, registry: FilterRegistry, instance: FilterInstance) throws(FilterError) {
        self.module = module
        self.registry = registry
        try instance.beginTransform()
        state = Mutex((instance, 0))
    }

    /// Passes the next chunk of the body through the module.
    public func feed(_ chunk: some Collection<UInt8>) throws(FilterError) {
        try state.withLock { (state) throws(FilterError) in
            guard let instance = state.instance else { throw closed() }
            do throws(FilterError) {
                try instance.feedTransform(chunk)
                state.bodyBytes += chunk.count
            } catch {
                state.instance = nil
                throw error
            }
        }
    }

    /// Ends the body and returns the image the module decoded.
    public func finish() throws(FilterError) -> DecodedRaster {
        let (instance, bodyBytes) = try state.withLock { (state) throws(FilterError) in
            guard let instance = state.instance else { throw closed() }
            state.instance = nil
            return (instance, state.bodyBytes)
        }
        let raster = try instance.finishTransform(bodyBytes: bodyBytes)
        registry.giveBack(instance)
        return raster
    }

    private func closed() -> FilterError {
        .failed(name: module.name, kind: .processingFailed, detail: "the transform already failed or finished")
    }
}
