import Filters
import Synchronization

/// Requests parsed lately on the cache-hit path, by what decided them, so that a repeat of a
/// URL from a like client is not parsed and negotiated again.
///
/// A `RenderRequest` for the origin is a pure function of the URL's target, its
/// `DecidingHeaders`, the request settings and the filter registry. A memo
/// belongs to one `RequestSettings` (a reload makes another), and forgets everything when the
/// registry changes, so a request is never answered as an older configuration parsed it.
final class ParsedRequestMemo: Sendable {
    struct Parsed: Sendable {
        var path: SourcePath
        /// The request, without the client's `If-None-Match`, which is the asker's own.
        var request: RenderRequest
        /// The rendering part of its variant key (`ImageService.rendering(of:)`).
        var rendering: String
    }

    /// The target and the deciding headers, compared as bytes: targets that differ only in a
    /// name's Unicode normalisation name different sources.
    struct Fingerprint: Hashable, Sendable {
        var target: String
        var headers: DecidingHeaders

        static func == (left: Fingerprint, right: Fingerprint) -> Bool {
            left.target.hasSameBytes(as: right.target) && left.headers == right.headers
        }

        func hash(into hasher: inout Hasher) {
            target.hashBytes(into: &hasher)
            hasher.combine(headers)
        }

        fileprivate var weight: Int {
            target.utf8.count + headers.byteCount + ParsedRequestMemo.entryOverhead
        }
    }

    /// The most bytes the memo's entries are reckoned to take.
    static let capacity = 4 << 20
    /// What an entry costs beyond its strings: the parsed options, filters and negotiation.
    static let entryOverhead = 1024

    private let generation: Mutex<(registry: FilterRegistry?, table: ShardedClockTable<Fingerprint, Parsed>)>

    init() {
        generation = Mutex((nil, Self.emptyTable()))
    }

    /// The request parsed for `fingerprint` under `registry`, parsing it with `parse` (and
    /// remembering what it gives) when it is not known; nil when `parse` gives nil.
    func parsed(
        _ fingerprint: Fingerprint, registry: FilterRegistry, parse: (DecidingHeaders) -> Parsed?
    ) -> Parsed? {
        let table = table(for: registry)
        if let known = table.value(for: fingerprint) { return known }
        guard let parsed = parse(fingerprint.headers) else { return nil }
        table.insert(parsed, for: fingerprint, weight: fingerprint.weight + parsed.rendering.utf8.count)
        return parsed
    }

    /// The table for `registry`: the current one, or a new empty one when the registry changed.
    private func table(for registry: FilterRegistry) -> ShardedClockTable<Fingerprint, Parsed> {
        generation.withLock { generation in
            if generation.registry !== registry {
                generation = (registry, Self.emptyTable())
            }
            return generation.table
        }
    }

    private static func emptyTable() -> ShardedClockTable<Fingerprint, Parsed> {
        ShardedClockTable(capacity: capacity, shardCount: 8)
    }
}
