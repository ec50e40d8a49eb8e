/// Bounds on what one request may cost, all checked from the source's header and the resize
/// plan before any pixel is decoded.
struct SourceLimits: Sendable, Hashable, Codable {
    /// Largest original or upload accepted, in bytes.
    var maxSourceBytes = 32 * 1024 * 1024
    /// Most pixels decoded from a source, over all the frames decoded.
    var maxInputPixels = 50_000_000
    /// Most frames decoded from an animated source; later frames are dropped.
    var maxAnimationFrames = 100
    /// Most pixels in a result, over all its frames.
    var maxOutputPixels = 40_000_000
    /// Largest width or height of a result, in pixels.
    var maxOutputDimension = 8192
    /// The longest one job may compute, decode to encode; libvips and the strip filters stop
    /// then, and the request is answered 503.
    var maxProcessingTime: Duration = .seconds(10)
    /// Whether TIFF sources are accepted. No web page needs them, and libvips' TIFF loader
    /// reads the most exotic files (thousands of bands, many directories), so they are off.
    var acceptsTIFF = false

    init() {}

    /// The settings of this concern, under `limits.` in a config file.
    static let configurationKeys: [ConfigurationKey<Self>] = [
        .integer(
            "limits.max_source_bytes", \.maxSourceBytes, in: 1024...Int.max, reloadable: true,
            help: "Largest original or upload, in bytes."),
        .integer(
            "limits.max_input_pixels", \.maxInputPixels, in: 1...Int.max, reloadable: true,
            help: "Most pixels decoded from a source, over all its frames, read from its header (422 over)."),
        .integer(
            "limits.max_frames", \.maxAnimationFrames, in: 1...1000, reloadable: true,
            help: "Most frames decoded from an animation; later frames are dropped."),
        .integer(
            "limits.max_output_pixels", \.maxOutputPixels, in: 1...Int.max, reloadable: true,
            help: "Most pixels in a result, over all its frames, after the resize plan (400 over)."),
        .integer(
            "limits.max_output_side", \.maxOutputDimension, in: 16...65_535, reloadable: true,
            help: "Largest width or height of a result, in pixels (400 over)."),
        .seconds(
            "limits.max_processing_seconds", \.maxProcessingTime, in: 0.1...600, reloadable: true,
            help: "The longest one job may compute, decode to encode; it is stopped then and answered 503."),
        .boolean(
            "limits.accept_tiff", \.acceptsTIFF, reloadable: true,
            help: "Accept TIFF sources, which no web page needs and which have the riskiest loader."),
    ]

    /// Throws the first value out of range.
    func validate() throws(ConfigurationError) {
        try Self.configurationKeys.validate(self)
    }
}
