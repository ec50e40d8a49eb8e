import Filters
public import Logging
import Vips

/// Everything `imgedge serve` can be told, composed from one value per concern.
///
/// Each setting is declared once, in `keys` and the concerns' own `configurationKeys`; its
/// flag, environment variable, config-file key, help and row of docs/configuration.md's table
/// are derived from that declaration (`ConfigurationKey`).
public struct ImgEdgeConfiguration: Sendable {
    /// Address to listen on.
    var host = "127.0.0.1"
    /// Port to listen on; 0 picks a free one.
    var port = 8080
    /// Port of a second listener, on `host`, serving `/metrics`, `/healthz` and `/readyz` only;
    /// 0: none, and `/metrics` is served on `port`.
    var metricsPort = 0
    /// Where originals come from: a directory, an `http://` or `https://` base URL, or an S3
    /// bucket, `s3://BUCKET[/PREFIX]`.
    var origin = "TestImages"
    /// An image served, resized as asked, with status 404 when the original is missing; empty: none.
    var fallbackImage = ""
    /// `Cache-Control` of image responses.
    var cacheControl = "public, max-age=31536000, immutable"
    /// The least severe log messages written; info includes a line per request.
    public var logLevel = Logger.Level.info
    /// How log lines are written.
    public var logFormat = LogFormat.text
    /// How long a connection may wait between requests, sending nothing, before it is closed.
    var idleTimeout: Duration = .seconds(30)
    /// The longest a request's body (an upload) may take to arrive, from its head; 408 after.
    var uploadTimeout: Duration = .seconds(30)
    /// How long, after SIGTERM, the server goes on accepting requests while `/readyz` says 503.
    public var drainDelay: Duration = .zero
    /// How long, once the server has stopped accepting, in-flight requests get to finish.
    public var drainTimeout: Duration = .seconds(25)
    /// Connections held open at once; the server stops accepting at this count, and later ones
    /// wait in the kernel's accept queue.
    var maxConnections = 1024
    /// Each client's share of the server, and the deadlines of a connection's other phases.
    var clients = ClientLimits()
    /// Byte, pixel and dimension limits.
    var limits = SourceLimits()
    /// Worker threads and queue.
    var workers = ImageWorkers.Settings()
    /// Origin timeouts and redirects, for an HTTP origin.
    var httpOrigin = HTTPOrigin.Settings()
    /// Endpoint, addressing and credentials, for an S3 origin.
    var s3Origin = S3Origin.Settings()
    /// The variant cache's tiers and bounds.
    var cache = CacheSettings()
    /// Directory of filter modules, `*.wasm`; `make modules` puts the shipped ones in `Modules/build`.
    var modulesDirectory = "Modules/build"
    /// How often the modules directory is checked for changed `.wasm` files, which are then
    /// reloaded without a restart (as on SIGHUP).
    var moduleCheckInterval: Duration = .seconds(2)
    /// Fuel and memory bounds of filter modules.
    var filterLimits = FilterLimits()
    /// HMAC-SHA256 keys for signed URLs, the first signing, each at least
    /// `URLSigner.minimumKeyBytes` long; empty: URLs are not signed.
    public var signingKeys: [String] = []
    /// Whether `/_playground`, a page for trying the URL API, is served (never with signing on).
    var servesPlayground = true
    /// Per-format quality and effort defaults.
    var encoding = EncodingSettings()
    /// Named queries, each `NAME=QUERY`, that `preset=NAME` stands for.
    var presets: [String] = []
    /// A file of more presets, one `NAME=QUERY` a line; empty: none.
    var presetsFile = ""
    /// Whether URLs may name only `preset` (and `sig`).
    var presetsOnly = false
    /// Whether client hints size requests, and their width buckets.
    var clientHints = ClientHintSettings()
    /// Modern formats in the order negotiation prefers them among those a browser accepts:
    /// fewest bytes at equal quality first, JPEG XL, AVIF, WebP (docs/negotiation-and-encoding.md).
    var formatPreference = FormatNegotiator.defaultPreference

    public init() {}

    /// Every setting, in the order help and docs/configuration.md list them.
    static let keys: [ConfigurationKey<Self>] =
        serverKeys
        + ClientLimits.configurationKeys.map { $0.lifted(into: \.clients) }
        + SourceLimits.configurationKeys.map { $0.lifted(into: \.limits) }
        + ImageWorkers.Settings.configurationKeys.map { $0.lifted(into: \.workers) }
        + HTTPOrigin.Settings.configurationKeys.map { $0.lifted(into: \.httpOrigin) }
        + S3Origin.Settings.configurationKeys.map { $0.lifted(into: \.s3Origin) }
        + CacheSettings.configurationKeys.map { $0.lifted(into: \.cache) }
        + ClientHintSettings.configurationKeys.map { $0.lifted(into: \.clientHints) }
        + filterKeys

    private static let serverKeys: [ConfigurationKey<Self>] = [
        .text("server.host", \.host, allowed: "a host name or address", help: "Address to listen on.") {
            $0.isEmpty ? "must not be empty" : nil
        },
        .integer("server.port", \.port, in: 0...65_535, help: "Port to listen on (0 picks a free port)."),
        .integer(
            "server.metrics_port", \.metricsPort, in: 0...65_535,
            help: "Port of a second listener for /metrics, /healthz and /readyz only (0: /metrics on the main port)."),
        .seconds(
            "server.idle_timeout_seconds", \.idleTimeout, in: 0.1...3600,
            help: "A connection waiting this long for its next request, sending nothing, is closed."),
        .seconds(
            "server.upload_timeout_seconds", \.uploadTimeout, in: 0.1...3600,
            help:
                "The longest a request's body (an upload) may take to arrive, from its head; 408 after, even if nothing arrives."),
        .seconds(
            "server.drain_delay_seconds", \.drainDelay, in: 0...3600,
            help: "After SIGTERM, how long to go on serving while /readyz answers 503, for load balancers to notice."),
        .seconds(
            "server.drain_seconds", \.drainTimeout, in: 0.1...3600,
            help: "After SIGTERM and the drain delay, how long in-flight requests get to finish."),
        .integer(
            "server.max_connections", \.maxConnections, in: 1...1_000_000,
            help: "Connections held open at once; past it the server accepts no more until one closes."),
        .text(
            "origin.location", flag: "origin", \.origin, allowed: "a directory, an http(s):// base URL or s3://BUCKET[/PREFIX]",
            help: "Where originals come from."
        ) { origin in
            if origin.isEmpty {
                return "must name a directory, an http(s) URL or an s3:// bucket"
            }
            return S3Bucket.isS3(origin) && S3Bucket(location: origin) == nil
                ? "must be s3://BUCKET[/PREFIX], the bucket 3 to 63 lowercase letters, digits, dots and hyphens" : nil
        },
        .text(
            "origin.fallback_image", flag: "fallback-image", \.fallbackImage, allowed: "an image file, or empty for none",
            help: "An image served, resized as asked, with status 404 when the original is missing."),
        .text(
            "server.cache_control", \.cacheControl, allowed: "a Cache-Control header value", reloadable: true,
            help: "Cache-Control of image responses."
        ) { $0.contains(where: \.isNewline) ? "must be one line" : nil },
        .list(
            "encoding.format_preference", \.formatPreference, of: FormatNegotiator.modernFormats, reloadable: true,
            help: "Modern formats in the order to prefer them, among those the browser accepts."),
        .boolean(
            "encoding.serve_original_if_smaller", flag: "serve-original-if-smaller", \.encoding.servesOriginalIfSmaller,
            help:
                "Serve the original's bytes, less their metadata, when the render would be larger, the URL sets no q, the same size, unfiltered and in a format the client takes."
        ),
        .integer(
            "encoding.optimize_after_seconds", flag: "optimize-after-seconds", \.encoding.optimizeAfterSeconds,
            in: 0...31_536_000,
            help:
                "max-age of a variant's fast first encode, which a background encode at the quality chosen for the image replaces; 0: no background encode, every variant immutable at once."
        ),
        .integer(
            "encoding.quality_target", flag: "quality-target", \.encoding.qualityTarget, in: 0...100,
            help:
                "SSIMULACRA2 score the background encode aims at; 0: the score JPEG q80 reaches on each image."),
        .boolean(
            "server.playground", flag: "playground", \.servesPlayground,
            help: "Serve /_playground, a page for trying the URL API (never while URL signing is on)."),
        .queryList(
            "presets.entries", flag: "preset", environment: "IMGEDGE_PRESETS", \.presets, reloadable: true,
            help: "Named queries, NAME=QUERY (e.g. thumb=w=200&h=200&fit=cover), that preset=NAME stands for; repeat the flag."
        ) { Presets.problem(in: $0) },
        .text(
            "presets.file", flag: "presets", environment: "IMGEDGE_PRESETS_FILE", \.presetsFile,
            allowed: "a file, or empty for none", reloadable: true,
            help: "A file of more presets, one NAME=QUERY a line (# comments), read at start and on reload."
        ) { $0.isEmpty ? nil : Presets.problem(inFile: $0) },
        .boolean(
            "presets.only", flag: "presets-only", \.presetsOnly, reloadable: true,
            help: "Refuse every URL parameter but preset (and sig)."),
        .choice("server.log_level", \.logLevel, help: "The least severe log messages written; info logs a line per request."),
        .choice("server.log_format", \.logFormat, help: "Log lines as swift-log's text, or one JSON object per line."),
        .textList(
            "security.signing_keys", flag: "signing-key", environment: "IMGEDGE_SIGNING_KEYS", \.signingKeys, secret: true,
            reloadable: true,
            help:
                "Keys for HMAC-SHA256 signed URLs (sig=), each at least 16 bytes; several for rotation, the first signs. None: no signing."
        ) { keys in
            keys.indices.first { keys[$0].utf8.count < URLSigner.minimumKeyBytes }.map {
                "\($0 + 1) of \(keys.count) is shorter than \(URLSigner.minimumKeyBytes) bytes"
            }
        },
    ]

    private static let filterKeys: [ConfigurationKey<Self>] = [
        .text(
            "filters.directory", flag: "modules", \.modulesDirectory, allowed: "a directory",
            help: "Directory of filter modules (.wasm files), reloaded when one changes."),
        .integer(
            "filters.fuel_per_pixel", flag: "filter-fuel-per-pixel", \.filterLimits.fuelPerPixel, in: 1...1_000_000,
            help: "Fuel (about one WebAssembly instruction) a filter module gets per pixel."),
    ]

    /// Whether `origin` names an HTTP(S) server rather than a directory.
    var originIsHTTP: Bool {
        origin.hasPrefix("http://") || origin.hasPrefix("https://")
    }

    /// Throws the first value out of range, concern by concern.
    func validate() throws(ConfigurationError) {
        try Self.serverKeys.validate(self)
        try Self.filterKeys.validate(self)
        try ClientLimits.configurationKeys.validate(clients)
        try limits.validate()
        try workers.validate()
        try HTTPOrigin.Settings.configurationKeys.validate(httpOrigin)
        try s3Origin.validate()
        try CacheSettings.configurationKeys.validate(cache)
        try ClientHintSettings.configurationKeys.validate(clientHints)
    }
}

extension ImgEdgeConfiguration {
    /// Every setting with its flag, variable, default and help, for a command's help.
    public static var helpText: String { keys.helpText(defaults: Self()) }

    /// The table of every setting in `docs/configuration.md`.
    public static var markdownTable: String { keys.markdownTable(defaults: Self()) }
}
