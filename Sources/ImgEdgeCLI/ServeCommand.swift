import ArgumentParser
import Hummingbird
import ImgEdge
import Logging
import ServiceLifecycle
import UnixSignals
import Vips

/// `imgedge serve`: resolves the configuration from flags, environment and config file, and
/// serves until SIGTERM or SIGINT; SIGHUP re-reads the file.
///
/// On SIGTERM or SIGINT, `/readyz` turns 503 and the server serves on for the drain delay, then
/// stops accepting and gives in-flight requests the drain time to finish.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve resized images from an origin directory or URL.",
        discussion: SettingsOptions.helpText
    )

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let resolved = try options.resolve()
        let configuration = resolved.value
        let format = configuration.logFormat
        LoggingSystem.bootstrap { format.handler(label: $0) }
        var logger = Logger(label: "imgedge")
        logger.logLevel = configuration.logLevel
        if !resolved.serviceLinks.isEmpty {
            logger.info(
                "Kubernetes service-link variables, not settings, ignored: \(resolved.serviceLinks.joined(separator: ", "))")
        }
        let options = options
        let readiness = Readiness()
        let application = try buildApplication(configuration: configuration, logger: logger, readiness: readiness) {
            () throws(ConfigurationError) in try options.readConfiguration().value
        }
        var group = ServiceGroupConfiguration(
            services: [application, Readiness.Drain(readiness, delay: configuration.drainDelay)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = configuration.drainDelay + configuration.drainTimeout
        try await ServiceGroup(configuration: group).run()
        Libvips.shutdown()
    }
}
