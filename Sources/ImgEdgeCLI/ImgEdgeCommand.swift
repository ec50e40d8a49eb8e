import ArgumentParser

/// The `imgedge` executable: a thin shell that reads flags and environment and starts the
/// service from the `ImgEdge` library.
@main
struct ImgEdgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imgedge",
        abstract: "Edge image optimization: resize and re-encode images for the browser asking.",
        subcommands: [ServeCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
