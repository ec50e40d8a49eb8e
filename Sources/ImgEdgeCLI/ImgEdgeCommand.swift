import ArgumentParser

/// The `imgedge` executable: a thin shell over the `ImgEdge` library, which resolves the
/// configuration and runs the service.
@main
struct ImgEdgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imgedge",
        abstract: "Edge image optimization: resize and re-encode images for the browser asking.",
        subcommands: [ServeCommand.self, ConfigCommand.self, SignCommand.self, WorkerCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
