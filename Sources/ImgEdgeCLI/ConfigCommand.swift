import ArgumentParser
import ImgEdge

/// `imgedge config`: prints the effective configuration, each key with its value and source,
/// secrets redacted; `--check` only validates.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the effective configuration and where each value came from.",
        discussion: SettingsOptions.helpText
    )

    @Flag(help: "Only validate the configuration: exit 0 if the server would start with it.")
    var check = false

    @Flag(help: "Print docs/configuration.md's configuration table, generated from the keys, and exit.")
    var markdownTable = false

    @OptionGroup var options: SettingsOptions

    func run() throws {
        if markdownTable {
            print(ImgEdgeConfiguration.markdownTable)
            return
        }
        let resolved = try options.resolve()
        print(check ? "configuration is valid" : resolved.listing)
    }
}
