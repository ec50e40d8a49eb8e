/// What went wrong with a request that was refused or failed: the first word of its log line
/// and the `kind` label of `imgedge_rejections_total`. A closed set, so the metric keeps a
/// fixed number of series whatever clients send.
package enum ErrorKind: String, CaseIterable, Sendable {
    case invalidPath = "invalid-path"
    case badSignature = "bad-signature"
    case invalidOptions = "invalid-options"
    case unknownFilter = "unknown-filter"
    case unknownTransform = "unknown-transform"
    case notFound = "not-found"
    case tooLarge = "too-large"
    case uploadCutOff = "upload-cut-off"
    case uploadTooSlow = "upload-too-slow"
    case originFailed = "origin-failed"
    case originTimeout = "origin-timeout"
    case unsupportedFormat = "unsupported-format"
    case tooManyPixels = "too-many-pixels"
    case tooManyBands = "too-many-bands"
    case outputTooLarge = "output-too-large"
    case undecodable
    case stopped
    case encodeFailed = "encode-failed"
    case filterFailed = "filter-failed"
    case filterInvalid = "filter-invalid"
    /// The worker process rendering the job died: the input is the likely cause.
    case workerCrashed = "worker-crashed"
    /// A worker process broke the protocol, or none could start.
    case workerFailed = "worker-failed"
    case overloaded
    case clientOverShare = "client-over-share"
    case clientGone = "client-gone"
    case shuttingDown = "shutting-down"
}
