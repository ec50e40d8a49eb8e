/// A worker process failed a job by itself, whatever the job's input.
enum WorkerFailure: Error, Sendable, Equatable {
    /// It died during the job (a signal, or an exit), or closed its socket.
    case died(WorkerExit)
    /// It sent what the protocol does not allow, or what the server cannot believe; it has been
    /// killed.
    case misbehaved(String)
    /// No worker process could be started, or none became ready.
    case couldNotStart(WorkerStartError)
    /// The job's source killed a worker lately (`CrashMemory`): refused without one.
    case crashedRecently
}
