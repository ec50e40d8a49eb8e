import ArgumentParser
import Hummingbird
import ImgEdge
import Logging
import Vips

/// `imgedge serve`: resolves the configuration from flags, environment and config file, and
/// serves until SIGTERM or SIGINT; SIGHUP re-reads the file.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve resized images from an origin directory or URL.",
        discussion: SettingsOptions.helpText
    )

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let configuration = try options.resolve().value
        var logger = Logger(label: "imgedge")
        logger.logLevel = configuration.logLevel
        let options = options
        let application = try buildApplication(configuration: configuration, logger: logger) { () throws(ConfigurationError) in
            try options.readConfiguration().value
        }
        try await application.runService()
        Libvips.shutdown()
    }
}
