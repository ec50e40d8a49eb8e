/// Why an original could not be fetched.
enum OriginError: Error, Sendable, Equatable {
    /// The origin has nothing at that path.
    case notFound
    /// The original is larger than the configured limit (bytes).
    case tooLarge(limit: Int)
    /// The origin answered with an unusable status or failed to connect.
    case unavailable(String)
    /// The origin did not answer in time.
    case timedOut
}
