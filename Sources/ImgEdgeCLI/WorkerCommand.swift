import ArgumentParser
import Foundation
import ImgEdge

/// `imgedge worker`: not for people, and not in the help. The server starts its worker processes
/// with it (with `--isolation process`), each on a socket at descriptor 3, and tells it its own
/// pid. `Entry` runs it on the main thread.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Render jobs for the imgedge server that started this process.",
        shouldDisplay: false
    )

    @Option(help: "The pid of the server; the worker dies with it.")
    var parent: Int32

    @OptionGroup var options: SettingsOptions

    #if DEBUG
    @Option(help: "Lock down, then make this system call instead of serving jobs (tests only).")
    var lockdownProbe: String?
    #endif

    func run() throws {
        let configuration = try options.resolve().value
        #if DEBUG
        if let lockdownProbe {
            guard let probe = LockdownProbe(rawValue: lockdownProbe) else {
                throw ValidationError("--lockdown-probe takes one of \(LockdownProbe.allCases.map(\.rawValue))")
            }
            throw ExitCode(probeWorkerLockdown(probe, parent: parent, configuration: configuration))
        }
        #endif
        throw ExitCode(runWorker(parent: parent, configuration: configuration))
    }
}
