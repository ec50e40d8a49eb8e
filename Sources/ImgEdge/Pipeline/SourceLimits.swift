/// Bounds on what a source may cost, all checked before decoding.
public struct SourceLimits: Sendable, Hashable {
    /// Largest original or upload accepted, in bytes (`--max-source-bytes`).
    public var maxSourceBytes = 32 * 1024 * 1024
    /// Most pixels in one frame, read from the header (`--max-input-pixels`).
    public var maxInputPixels = 50_000_000
    /// Most frames decoded from an animated source; later frames are dropped.
    public var maxAnimationFrames = 100
    /// Largest width or height of a result, in pixels.
    public var maxOutputDimension = 8192

    public init() {}

    /// Throws when a value is out of range.
    public func validate() throws(ConfigurationError) {
        guard maxSourceBytes >= 1024 else { throw .invalid("--max-source-bytes must be at least 1024, got \(maxSourceBytes)") }
        guard maxInputPixels >= 1 else { throw .invalid("--max-input-pixels must be at least 1, got \(maxInputPixels)") }
        guard maxAnimationFrames >= 1 else { throw .invalid("max animation frames must be at least 1") }
        guard (16...65_535).contains(maxOutputDimension) else { throw .invalid("max output dimension must be 16...65535") }
    }
}
