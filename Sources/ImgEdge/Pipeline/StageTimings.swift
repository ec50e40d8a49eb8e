/// Time spent in each pipeline stage, reported in the `Server-Timing` header.
public struct StageTimings: Sendable {
    /// A stage's name, as it appears in `Server-Timing`.
    public enum Stage: String, Sendable, CaseIterable {
        case fetch
        /// Waiting for a worker thread, once the source is in.
        case queue
        case decode   // header, decode, resize: libvips' lazy pipeline up to pixels in memory
        case encode
    }

    private var seconds: [Stage: Double] = [:]

    public init() {}

    /// Runs `body` and adds its duration to `stage`.
    mutating func measure<T: ~Copyable, E: Error>(_ stage: Stage, _ body: () throws(E) -> T) throws(E) -> T {
        let clock = ContinuousClock()
        let start = clock.now
        defer { add(clock.now - start, to: stage) }
        return try body()
    }

    /// Adds `duration` to `stage`.
    mutating func add(_ duration: Duration, to stage: Stage) {
        let components = duration.components
        seconds[stage, default: 0] += Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The time spent in `stage`; nil if the request did not go through it.
    func duration(of stage: Stage) -> Duration? {
        seconds[stage].map { .nanoseconds(Int64(($0 * 1e9).rounded())) }
    }

    /// The `Server-Timing` value, e.g. `fetch;dur=1.2, decode;dur=30.5, encode;dur=12.0`.
    public var headerValue: String {
        Stage.allCases.compactMap { stage in
            seconds[stage].map { "\(stage.rawValue);dur=\(Double(Int($0 * 10_000)) / 10)" }
        }.joined(separator: ", ")
    }
}
