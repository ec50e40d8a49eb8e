public import Filters
public import Vips

/// Everything `imgedge serve` can be told, composed from one value per concern.
///
/// Each key is documented once, here, with its flag, environment variable and default; the
/// README's table mirrors it.
public struct ImgEdgeConfiguration: Sendable {
    /// Address to listen on (`--host`, `IMGEDGE_HOST`); default `127.0.0.1`.
    public var host = "127.0.0.1"
    /// Port to listen on (`--port`, `IMGEDGE_PORT`); default 8080, 0 picks a free one.
    public var port = 8080
    /// Where originals come from (`--origin`, `IMGEDGE_ORIGIN`): a directory, or an `http://` or
    /// `https://` base URL; default `TestImages`.
    public var origin = "TestImages"
    /// `Cache-Control` of image responses (`--cache-control`, `IMGEDGE_CACHE_CONTROL`).
    public var cacheControl = "public, max-age=31536000, immutable"
    /// Byte, pixel and dimension limits (`--max-source-bytes`, `--max-input-pixels`).
    public var limits = SourceLimits()
    /// Worker threads and queue (`--workers`, `--queue`).
    public var workers = ImageWorkers.Settings()
    /// Origin timeouts and redirects, for an HTTP origin.
    public var httpOrigin = HTTPOrigin.Settings()
    /// Directory of filter modules, `*.wasm` (`--modules`, `IMGEDGE_MODULES`); default
    /// `Modules/build`, where `make modules` puts them.
    public var modulesDirectory = "Modules/build"
    /// How often the modules directory is checked for changed `.wasm` files, which are then
    /// reloaded without a restart (as on SIGHUP); default 2 s.
    public var moduleCheckInterval: Duration = .seconds(2)
    /// Fuel and memory bounds of filter modules.
    public var filterLimits = FilterLimits()
    /// Per-format quality and effort defaults.
    public var encoding = EncodingSettings()
    /// Modern formats in the order negotiation prefers them among those a browser accepts
    /// (`--format-preference`, `IMGEDGE_FORMAT_PREFERENCE`); default `avif,jxl,webp`: AVIF is
    /// smallest and cheap at effort 0; JPEG XL is a fifth smaller than WebP at equal quality
    /// and costs more to encode (README, "Encoding defaults").
    public var formatPreference: [ImageFormat] = [.avif, .jxl, .webp]

    public init() {}

    /// Whether `origin` names an HTTP(S) server rather than a directory.
    public var originIsHTTP: Bool {
        origin.hasPrefix("http://") || origin.hasPrefix("https://")
    }

    /// Throws the first value out of range.
    public func validate() throws(ConfigurationError) {
        guard (0...65_535).contains(port) else { throw .invalid("--port must be 0...65535, got \(port)") }
        guard !origin.isEmpty else { throw .invalid("--origin must name a directory or an http(s) URL") }
        guard !cacheControl.contains(where: \.isNewline) else { throw .invalid("--cache-control must be one line") }
        guard !formatPreference.isEmpty, formatPreference.allSatisfy({ [.avif, .webp, .jxl].contains($0) }),
            Set(formatPreference).count == formatPreference.count
        else {
            throw .invalid("--format-preference lists avif, webp and jxl, each at most once")
        }
        try limits.validate()
        try workers.validate()
    }
}
