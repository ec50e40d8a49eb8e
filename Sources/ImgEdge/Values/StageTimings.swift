/// Time spent in each pipeline stage, reported in the `Server-Timing` header and the
/// `imgedge_stage_duration_seconds` histogram.
struct StageTimings: Sendable, Codable {
    /// A stage's name, as it appears in `Server-Timing`.
    enum Stage: String, Sendable, CaseIterable, Codable {
        case fetch
        /// Waiting for a worker thread, once the source is in.
        case queue
        /// Header, decode, resize and recipe filters: libvips' lazy pipeline up to pixels in memory.
        case decode
        /// Strip filters, in their modules.
        case filters
        case encode
    }

    private var durations: [Stage: Duration] = [:]

    init() {}

    /// Runs `body` and adds its duration to `stage`.
    mutating func measure<T: ~Copyable, E: Error>(_ stage: Stage, _ body: () throws(E) -> T) throws(E) -> T {
        let clock = ContinuousClock()
        let start = clock.now
        defer { add(clock.now - start, to: stage) }
        return try body()
    }

    /// Adds `duration` to `stage`.
    mutating func add(_ duration: Duration, to stage: Stage) {
        durations[stage, default: .zero] += duration
    }

    /// Adds every stage's time in `other`.
    mutating func add(_ other: StageTimings) {
        durations.merge(other.durations, uniquingKeysWith: +)
    }

    /// The time spent in `stage`; nil if the request did not go through it.
    func duration(of stage: Stage) -> Duration? {
        durations[stage]
    }

    /// The `Server-Timing` value in milliseconds, e.g. `fetch;dur=1.2, decode;dur=30.5, encode;dur=12.0`.
    var headerValue: String {
        Stage.allCases.compactMap { stage in
            durations[stage].map { "\(stage.rawValue);dur=\(Double(Int($0 / .microseconds(100))) / 10)" }
        }.joined(separator: ", ")
    }
}
