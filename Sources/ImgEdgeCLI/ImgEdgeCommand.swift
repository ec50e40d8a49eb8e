import ArgumentParser

/// The `imgedge` executable: a thin shell over the `ImgEdge` library, which resolves the
/// configuration and runs the service.
struct ImgEdgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imgedge",
        abstract: "Edge image optimization: resize and re-encode images for the browser asking.",
        subcommands: [ServeCommand.self, ConfigCommand.self, SignCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}

/// The entry point: `imgedge worker` runs on the main thread before any other thread starts, so
/// that the lockdown it applies first holds for every thread of the worker; anything else is
/// `ImgEdgeCommand`.
@main
enum Entry {
    @MainActor
    static func main() async {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.first == WorkerCommand.configuration.commandName {
            WorkerCommand.main(Array(arguments.dropFirst()))
        }
        await ImgEdgeCommand.main()
    }
}
