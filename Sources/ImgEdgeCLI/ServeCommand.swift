import ArgumentParser
import Hummingbird
import ImgEdge
import Filters
import Logging
import Vips

/// `imgedge serve`: every flag may also come from an `IMGEDGE_*` environment variable; a flag
/// wins over the variable, the variable over the default.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve resized images from an origin directory or URL."
    )

    private static let defaults = ImgEdgeConfiguration()

    @Option(help: "Address to listen on. Env IMGEDGE_HOST. Default: \(defaults.host).")
    var host: String?

    @Option(help: "Port to listen on (0 picks a free port). Env IMGEDGE_PORT. Default: \(defaults.port).")
    var port: Int?

    @Option(help: "Originals: a directory, or an http(s):// base URL. Env IMGEDGE_ORIGIN. Default: \(defaults.origin).")
    var origin: String?

    @Option(help: "Largest original or upload, in bytes. Env IMGEDGE_MAX_SOURCE_BYTES. Default: \(defaults.limits.maxSourceBytes).")
    var maxSourceBytes: Int?

    @Option(help: "Most pixels in one source frame, read from its header. Env IMGEDGE_MAX_INPUT_PIXELS. Default: \(defaults.limits.maxInputPixels).")
    var maxInputPixels: Int?

    @Option(help: "libvips jobs run at once. Env IMGEDGE_WORKERS. Default: the number of cores (\(defaults.workers.workers) here).")
    var workers: Int?

    @Option(help: "Jobs that may wait for a worker before 503. Env IMGEDGE_QUEUE. Default: \(defaults.workers.queueLimit).")
    var queue: Int?

    @Option(help: "Cache-Control of image responses. Env IMGEDGE_CACHE_CONTROL. Default: \"\(defaults.cacheControl)\".")
    var cacheControl: String?

    @Option(help: "Modern formats in the order to prefer them, from avif, webp, jxl. Env IMGEDGE_FORMAT_PREFERENCE. Default: \(defaults.formatPreference.map(\.rawValue).joined(separator: ",")).")
    var formatPreference: String?

    @Option(help: "Directory of filter modules (*.wasm). Env IMGEDGE_MODULES. Default: \(defaults.modulesDirectory).")
    var modules: String?

    @Option(help: "Fuel (about one WebAssembly instruction) a filter module gets per pixel. Env IMGEDGE_FILTER_FUEL_PER_PIXEL. Default: \(defaults.filterLimits.fuelPerPixel).")
    var filterFuelPerPixel: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. Env IMGEDGE_LOG_LEVEL. Default: info.")
    var logLevel: String?

    func run() async throws {
        let environment = EnvironmentVariables()
        var configuration = ImgEdgeConfiguration()
        configuration.host = host ?? environment.string("IMGEDGE_HOST") ?? configuration.host
        configuration.port = try port ?? environment.int("IMGEDGE_PORT") ?? configuration.port
        configuration.origin = origin ?? environment.string("IMGEDGE_ORIGIN") ?? configuration.origin
        configuration.limits.maxSourceBytes = try maxSourceBytes ?? environment.int("IMGEDGE_MAX_SOURCE_BYTES") ?? configuration.limits.maxSourceBytes
        configuration.limits.maxInputPixels = try maxInputPixels ?? environment.int("IMGEDGE_MAX_INPUT_PIXELS") ?? configuration.limits.maxInputPixels
        configuration.workers.workers = try workers ?? environment.int("IMGEDGE_WORKERS") ?? configuration.workers.workers
        configuration.workers.queueLimit = try queue ?? environment.int("IMGEDGE_QUEUE") ?? configuration.workers.queueLimit
        configuration.modulesDirectory = modules ?? environment.string("IMGEDGE_MODULES") ?? configuration.modulesDirectory
        if let fuel = try filterFuelPerPixel ?? environment.int("IMGEDGE_FILTER_FUEL_PER_PIXEL") {
            guard fuel > 0 else { throw ValidationError("--filter-fuel-per-pixel must be positive, got \(fuel)") }
            configuration.filterLimits.fuelPerPixel = UInt64(fuel)
        }
        configuration.cacheControl = cacheControl ?? environment.string("IMGEDGE_CACHE_CONTROL") ?? configuration.cacheControl
        if let preference = formatPreference ?? environment.string("IMGEDGE_FORMAT_PREFERENCE") {
            configuration.formatPreference = try preference.split(separator: ",").map { name in
                guard let format = ImageFormat(rawValue: String(name)) else {
                    throw ValidationError("unknown format \"\(name)\" in format preference")
                }
                return format
            }
        }

        var logger = Logger(label: "imgedge")
        let level = logLevel ?? environment.string("IMGEDGE_LOG_LEVEL") ?? "info"
        guard let parsedLevel = Logger.Level(rawValue: level) else {
            throw ValidationError("invalid log level \"\(level)\"")
        }
        logger.logLevel = parsedLevel
        do {
            let application = try buildApplication(configuration: configuration, logger: logger)
            try await application.runService()
            Libvips.shutdown()
        } catch let error as ConfigurationError {
            throw ValidationError(error.reason)
        }
    }
}
