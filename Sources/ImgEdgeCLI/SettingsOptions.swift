import ArgumentParser
import Foundation
import ImgEdge

/// The settings every command that reads the configuration takes: `--config FILE` and any
/// `--name value` of a setting (`ImgEdgeConfiguration.helpText` lists them).
///
/// ArgumentParser knows only `--config`; the other flags come through as unrecognised arguments
/// and are read, with the environment and the file, by `ResolvedConfiguration`, so each is
/// declared once, in the key table, and listed in the command's help from it.
struct SettingsOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "A JSON config file, nested by concern. Env IMGEDGE_CONFIG.")
    var configFile: String?

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var settings: [String] = []

    /// The configuration from these flags, the process environment and the config file.
    func resolve() throws -> ResolvedConfiguration<ImgEdgeConfiguration> {
        do {
            return try readConfiguration()
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Reads the configuration again from the same flags, the environment and the file as it is now.
    func readConfiguration() throws(ConfigurationError) -> ResolvedConfiguration<ImgEdgeConfiguration> {
        try ResolvedConfiguration(
            ConfigurationInputs(arguments: settings, environment: ProcessInfo.processInfo.environment, configFile: configFile))
    }

    /// Every setting, for a command's help.
    static let helpText = """
        Settings. Each is also an IMGEDGE_* environment variable and a key of the
        --config file; a flag wins over the environment, the environment over the
        file, the file over the default.
        \(ImgEdgeConfiguration.helpText)
        """
}
