/// Bounds on what a source may cost, all checked before decoding.
public struct SourceLimits: Sendable, Hashable {
    /// Largest original or upload accepted, in bytes.
    public var maxSourceBytes = 32 * 1024 * 1024
    /// Most pixels in one frame, read from the header.
    public var maxInputPixels = 50_000_000
    /// Most frames decoded from an animated source; later frames are dropped.
    public var maxAnimationFrames = 100
    /// Largest width or height of a result, in pixels.
    public var maxOutputDimension = 8192

    public init() {}

    /// The settings of this concern, under `limits.` in a config file.
    static let configurationKeys: [ConfigurationKey<Self>] = [
        .integer(
            "limits.max_source_bytes", \.maxSourceBytes, in: 1024...Int.max, reloadable: true,
            help: "Largest original or upload, in bytes."),
        .integer(
            "limits.max_input_pixels", \.maxInputPixels, in: 1...Int.max, reloadable: true,
            help: "Most pixels in one source frame, read from its header."),
    ]

    /// Throws the first value out of range.
    public func validate() throws(ConfigurationError) {
        try Self.configurationKeys.validate(self)
        guard maxAnimationFrames >= 1 else { throw ConfigurationError(reason: "max animation frames must be at least 1") }
        guard (16...65_535).contains(maxOutputDimension) else {
            throw ConfigurationError(reason: "max output dimension must be 16...65535")
        }
    }
}
