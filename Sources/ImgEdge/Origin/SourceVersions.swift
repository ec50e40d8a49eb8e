/// What was last learnt of each source's version, trusted for a while before the origin is
/// asked again.
///
/// A cache lookup needs the source's version, and asking the origin on every hit would cost a
/// `stat` or a HEAD request each time: within `revalidateAfter` of learning it, the version
/// known is used as it is. A source the origin said was missing is remembered as such for
/// `missingFor`, so a stream of requests for an absent image does not reach the origin. The
/// table is bounded in bytes, so hostile paths cannot grow it without end. Time is passed in:
/// this is a state machine, held behind a mutex by `ImageService`.
struct SourceVersions: Sendable {
    /// What is known of one source.
    enum Known: Sendable, Equatable {
        /// Its version (nil: the origin gives none, so its content must be fetched to know).
        case version(String?)
        case missing
    }

    private struct Record: Sendable {
        var known: Known
        var learnt: ContinuousClock.Instant
    }

    let revalidateAfter: Duration
    let missingFor: Duration
    private var table: ClockTable<SourcePath, Record>

    init(revalidateAfter: Duration, missingFor: Duration, capacity: Int = 4 << 20) {
        self.revalidateAfter = revalidateAfter
        self.missingFor = missingFor
        table = ClockTable(capacity: capacity)
    }

    /// What is known of `path` and still trusted at `now`, or nil when the origin must be asked.
    mutating func known(_ path: SourcePath, at now: ContinuousClock.Instant) -> Known? {
        guard let record = table.value(for: path) else { return nil }
        let trustedFor = record.known == .missing ? missingFor : revalidateAfter
        guard now - record.learnt < trustedFor else { return nil }
        return record.known
    }

    /// Records what the origin said of `path` at `now`.
    mutating func learn(_ known: Known, for path: SourcePath, at now: ContinuousClock.Instant) {
        var weight = path.description.utf8.count + 64
        if case .version(let version?) = known {
            weight += version.utf8.count
        }
        table.insert(Record(known: known, learnt: now), for: path, weight: weight)
    }
}
