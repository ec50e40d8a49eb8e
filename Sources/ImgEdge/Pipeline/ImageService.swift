import Filters
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vips

/// The pipeline's spine: request → source version → cache lookup → (miss) worker place → source
/// → render on a worker → cache store → answer.
///
/// `serve` reads in that order. The request comes parsed and negotiated (`ImageRequest`); the
/// blocking libvips work goes to `ImageWorkers`, once for identical concurrent misses. The
/// event-loop hit path asks `cachedHit` alone.
struct ImageService: Sendable {
    let origin: any Origin
    /// The origin as configured, part of every variant key: a disk tier kept across a change
    /// of origin serves nothing of the old one.
    let originName: String
    let workers: ImageWorkers
    let encoding: EncodingSettings
    /// The encoder settings and the renderer's version, as they enter every variant key.
    private let renderer: String
    let cache: VariantCache
    let cachesUploads: Bool
    /// The image answered, with status 404, for an original the origin does not have; nil: none.
    let fallback: SourceImage?
    /// The filter modules, reloadable while serving.
    let modules: ModuleCatalog
    /// Where variants served at their fast stage wait for their optimised encode; nil: every
    /// variant is lasting as first encoded.
    let optimiser: Optimiser?
    /// How many times `--max-processing-seconds` an optimised encode may take.
    static let optimisedDeadlineFactor = 6
    private let versions: NIOLockedValueBox<SourceVersions>
    /// A cancelled wait is answered `.refused(.shuttingDown)`: the route's watch reports a client
    /// that left as gone by itself, so what else cancels a wait is a shutdown.
    private let probes = RequestCoalescer<SourcePath, String?, ImageServiceError>(whenCancelled: .refused(.shuttingDown))
    private let misses = RequestCoalescer<MissKey, ServedAnswer, ImageServiceError>(whenCancelled: .refused(.shuttingDown))

    /// What makes two misses identical: same source version known, same output, each the same
    /// bytes (`String.hasSameBytes(as:)`). A request's `If-None-Match` is not part of it: the miss
    /// renders the whole variant and each waiter answers its own validator, so made-up
    /// validators cannot defeat coalescing.
    private struct MissKey: Hashable, Sendable {
        var path: SourcePath
        var version: String?
        var rendering: String

        static func == (left: MissKey, right: MissKey) -> Bool {
            left.path == right.path && left.version.hasSameBytes(as: right.version)
                && left.rendering.hasSameBytes(as: right.rendering)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(path)
            version.hashBytes(into: &hasher)
            rendering.hashBytes(into: &hasher)
        }
    }

    init(
        origin: any Origin, originName: String, workers: ImageWorkers, encoding: EncodingSettings, cache: VariantCache,
        settings: CacheSettings, modules: ModuleCatalog, fallback: SourceImage? = nil, optimiser: Optimiser? = nil
    ) {
        self.fallback = fallback
        self.optimiser = optimiser
        self.origin = origin
        self.originName = originName
        self.workers = workers
        self.encoding = encoding
        renderer = encoding.cacheKey + "|" + RendererVersion.current
        self.cache = cache
        self.cachesUploads = settings.cachesUploads
        self.modules = modules
        versions = NIOLockedValueBox(SourceVersions(revalidateAfter: settings.revalidateAfter, missingFor: settings.missingFor))
    }

    /// Answers `request`. An original at the origin: its version → the cache → on a miss, a
    /// worker place → the source → render → store; the fallback image when it is missing. An
    /// upload: a place → the body, through its transform → the cache, when uploads are cached →
    /// render → store.
    /// - Throws: `.refused(.clientOverShare)` or `.overloaded` at once when the client or the
    ///   server has no worker place left; every failure of the steps, by its concern.
    func serve(_ request: ImageRequest) async throws(ImageServiceError) -> ServedAnswer {
        switch request.source {
        case .origin(let path):
            do {
                guard let known = try await version(of: path) else {
                    return try await render(request, path: path, knownVersion: nil)
                }
                let key = key(path, known, rendering(of: request.parsed))
                if let found = await cache.lookup(key, ifNoneMatch: request.parsed.ifNoneMatch) {
                    resumeOptimising(found.hit, key: key, path: path, request: request)
                    return Self.answer(found.hit, from: found.status)
                }
                return try await render(request, path: path, knownVersion: known)
            } catch .origin(.notFound) {
                guard let fallback = try await fallback(for: request) else { throw .origin(.notFound) }
                return fallback
            }
        case .upload(let upload):
            return try await workers.withPlace(for: request.client) { place throws(ImageServiceError) in
                let input = try await receive(upload, for: request, in: place)
                return try await answer(request, upload: input, place: place)
            }
        }
    }

    /// The hit path on an event loop: a version learnt lately and a variant in a cache tier,
    /// answered at once from memory or the kernel's caches, or read from disk on the thread
    /// pool. Nil when either is missing, for `lookup` to go further.
    /// - Parameters:
    ///   - request: what the request asks of the source at `path`, without its `If-None-Match`.
    ///   - rendering: the rendering part of the request's key, `rendering(of:)`, which the
    ///     caller may have kept.
    ///   - ifNoneMatch: the request's `If-None-Match`.
    ///   - limits: the limits current for the request.
    func cachedHit(
        _ request: RenderRequest, path: SourcePath, rendering: String, ifNoneMatch: String?, limits: SourceLimits,
        on eventLoop: any EventLoop
    ) -> EventLoopHit<ServedAnswer>? {
        guard case .version(let known?) = versions.withLockedValue({ $0.known(path, at: .now) }) else { return nil }
        let key = key(path, known, rendering)
        return cache.lookup(key, ifNoneMatch: ifNoneMatch, on: eventLoop)?.map { found in
            resumeOptimising(
                found.hit, key: key, path: path,
                request: ImageRequest(parsed: request, source: .origin(path), limits: limits, client: nil))
            return Self.answer(found.hit, from: found.status)
        }
    }

    /// The part of `request`'s variant key besides the source: everything that decides its bytes.
    func rendering(of request: RenderRequest) -> String {
        request.identity.rendering(renderer: renderer)
    }

    /// The miss path: joins an identical miss under way, or fetches and renders the original
    /// at `path` (unless the version it turns out to have is cached after all).
    private func render(
        _ request: ImageRequest, path: SourcePath, knownVersion known: String?
    ) async throws(ImageServiceError) -> ServedAnswer {
        let rendering = rendering(of: request.parsed)
        let missKey = MissKey(path: path, version: known, rendering: rendering)
        var unconditional = request
        unconditional.parsed.ifNoneMatch = nil
        var (answer, joined) = try await misses.run(missKey) { [unconditional] () async throws(ImageServiceError) in
            try await workers.withPlace(for: unconditional.client) { place throws(ImageServiceError) in
                try await fetchAndRender(unconditional, path: path, known: known, rendering: rendering, place: place)
            }
        }
        if case .image(let image) = answer.outcome, let ifNoneMatch = request.parsed.ifNoneMatch,
            EntityTag.isMatched(image.header.entityTag, byIfNoneMatch: ifNoneMatch)
        {
            answer.outcome = .notModified(image.header)
        }
        if joined { answer.cacheStatus = .coalesced }
        return answer
    }

    /// The fallback image rendered as `request` asks, standing in for a missing original; nil
    /// when there is none. Cached like any variant, under the fallback's own key, and never a
    /// 304: the answer is a 404 whatever the client holds.
    private func fallback(for request: ImageRequest) async throws(ImageServiceError) -> ServedAnswer? {
        guard let fallback, let version = fallback.version else { return nil }
        var request = request
        request.parsed.ifNoneMatch = nil
        let key = VariantKey(source: "fallback:", version: version, rendering: rendering(of: request.parsed))
        var answer: ServedAnswer
        if let hit = await lookup(key, ifNoneMatch: nil) {
            answer = hit
        } else {
            answer = try await workers.withPlace(for: request.client) { place throws(ImageServiceError) in
                try await renderAndStore(.encoded(fallback), request, key: key, place: place)
            }
        }
        answer.isFallback = true
        return answer
    }

    /// Answers an upload received (perhaps through a transform module), from the cache when
    /// uploads are cached and this body was rendered so before.
    private func answer(
        _ request: ImageRequest, upload input: JobInput, place: ImageWorkers.Place
    ) async throws(ImageServiceError) -> ServedAnswer {
        guard cachesUploads else {
            let outcome = try await render(input, request, place: place)
            return ServedAnswer(outcome: outcome, cacheStatus: .miss)
        }
        let digest = try await run(in: place) { input.digest }
        let key = VariantKey(
            source: "upload:", version: SourceImage.contentVersion(digest), rendering: rendering(of: request.parsed))
        if let hit = await lookup(key, ifNoneMatch: request.parsed.ifNoneMatch) {
            return hit
        }
        return try await renderAndStore(input, request, key: key, place: place, digest: digest)
    }

    /// The version of the source at `path`: the one learnt lately, else the origin's answer now.
    /// Nil when the origin tells none, or fails to, so the content must be fetched to know.
    /// - Throws: `.origin(.notFound)` when a fetch found nothing lately; a timeout.
    private func version(of path: SourcePath) async throws(ImageServiceError) -> String? {
        switch versions.withLockedValue({ $0.known(path, at: .now) }) {
        case .version(let version):
            return version
        case .missing:
            throw .origin(.notFound)
        case nil:
            do throws(ImageServiceError) {
                let (version, _) = try await probes.run(path) { () async throws(ImageServiceError) in
                    do throws(OriginError) {
                        return try await origin.version(of: path)
                    } catch {
                        throw .origin(error)
                    }
                }
                learn(.version(version), for: path)
                return version
            } catch .origin(.notFound), .origin(.unavailable) {
                // Some origins answer HEAD otherwise than GET: the fetch has the last word, and
                // until then the origin is not asked again.
                learn(.version(nil), for: path)
                return nil
            }
        }
    }

    private func learn(_ known: SourceVersions.Known, for path: SourcePath) {
        versions.withLockedValue { $0.learn(known, for: path, at: .now) }
    }

    private func key(_ path: SourcePath, _ version: String, _ rendering: String) -> VariantKey {
        VariantKey(source: "origin:\(originName)|\(path)", version: version, rendering: rendering)
    }

    /// The cached answer for `key`, if a tier has it.
    private func lookup(_ key: VariantKey, ifNoneMatch: String?) async -> ServedAnswer? {
        await cache.lookup(key, ifNoneMatch: ifNoneMatch).map { Self.answer($0.hit, from: $0.status) }
    }

    /// The answer a cache hit makes.
    private static func answer(_ hit: VariantCache.Hit, from status: CacheStatus) -> ServedAnswer {
        switch hit {
        case .variant(let variant):
            let image = RenderedImage(body: variant.body, header: variant.header, timings: StageTimings())
            return ServedAnswer(outcome: .image(image), cacheStatus: status)
        case .notModified(let header):
            return ServedAnswer(outcome: .notModified(header), cacheStatus: status)
        }
    }

    /// Fetches the source and renders it, unless the version it turns out to have is cached.
    private func fetchAndRender(
        _ request: ImageRequest, path: SourcePath, known: String?, rendering: String, place: ImageWorkers.Place
    ) async throws(ImageServiceError) -> ServedAnswer {
        var timings = StageTimings()
        let start = ContinuousClock.now
        let source: SourceImage
        do {
            source = try await origin.fetch(path, limit: request.limits.maxSourceBytes)
        } catch .notFound {
            learn(.missing, for: path)
            throw .origin(.notFound)
        } catch {
            throw .origin(error)
        }
        timings.add(.now - start, to: .fetch)
        let input = JobInput.encoded(source)
        let version: String
        var digest: [UInt8]?
        if let told = source.version {
            version = told
        } else {
            let hashed = try await run(in: place) { input.digest }
            version = SourceImage.contentVersion(hashed)
            digest = hashed
        }
        learn(.version(version), for: path)
        let key = key(path, version, rendering)
        if version != known, let hit = await lookup(key, ifNoneMatch: request.parsed.ifNoneMatch) {
            return hit
        }
        return try await renderAndStore(
            input, request, key: key, place: place, digest: digest, timings: timings, pass: optimiser == nil ? .only : .fast)
    }

    /// Renders and keeps the variant under `key`, and queues its optimised encode when it is
    /// at its fast stage; `digest` is the source's SHA-256 when the caller hashed it already.
    private func renderAndStore(
        _ input: JobInput, _ request: ImageRequest, key: VariantKey, place: ImageWorkers.Place, digest: [UInt8]? = nil,
        timings: StageTimings = StageTimings(), pass: RenderPass = .only
    ) async throws(ImageServiceError) -> ServedAnswer {
        let outcome = try await render(input, request, place: place, digest: digest, timings: timings, pass: pass)
        if case .image(let image) = outcome {
            let variant = CachedVariant(image)
            await cache.store(variant, for: key)
            if variant.header.stage == .fast, let optimiser {
                optimiser.enqueue(
                    Optimiser.Job(key: key, sourceBytes: input.byteCount) { workers in
                        await optimise(input, request, key: key, digest: digest, fast: variant, on: workers)
                    })
            }
        }
        return ServedAnswer(outcome: outcome, cacheStatus: .miss)
    }

    /// Encodes the variant under `key` again, at the quality searched for the image and the
    /// optimised effort, on the optimiser's `workers`, and keeps it in place of `fast` when it
    /// is smaller; otherwise, or when the encode fails, `fast` is kept as lasting. Stopped by
    /// shutdown (the task cancelled), it keeps nothing: `fast` waits to be resumed.
    private func optimise(
        _ input: JobInput, _ request: ImageRequest, key: VariantKey, digest: [UInt8]?, fast: CachedVariant,
        on workers: ImageWorkers
    ) async -> Optimiser.Outcome {
        var request = request
        request.parsed.ifNoneMatch = nil
        // Its thread runs at nice 19, so the deadline, in wall time, leaves room for waiting.
        request.limits.maxProcessingTime *= Self.optimisedDeadlineFactor
        var lasting = fast.markedFinal
        let outcome: Optimiser.Outcome
        do throws(ImageServiceError) {
            let rendered = try await workers.withPlace(for: nil) { place throws(ImageServiceError) in
                try await render(input, request, place: place, digest: digest, pass: .optimised, on: workers)
            }
            guard case .image(let image) = rendered, case .image(let format) = image.format else {
                throw .vips(.encodeFailed("the optimised encode gave no image"))
            }
            let sizes = Optimiser.Sizes(
                format: format, original: input.byteCount, fast: fast.body.readableBytes, optimised: image.body.readableBytes)
            if image.header.stage == .optimised, sizes.optimised < sizes.fast {
                lasting = CachedVariant(image)
                outcome = .replaced(sizes)
            } else {
                outcome = .notSmaller(sizes)
            }
        } catch {
            if Task.isCancelled { return .failed("stopped by shutdown") }
            outcome = .failed("\(error)")
        }
        await cache.store(lasting, for: key)
        return outcome
    }

    /// Queues the optimised encode of the variant under `key`, found in a tier as `hit`, again
    /// when it is at its fast stage and none is waiting or running: its job was dropped from a
    /// full queue, or the server stopped before it ran (the disk tier keeps each entry's stage).
    /// The job holds no source while it waits; it fetches the one at `path` when its turn comes.
    private func resumeOptimising(
        _ hit: VariantCache.Hit, key: VariantKey, path: SourcePath, request: @autoclosure () -> ImageRequest
    ) {
        guard hit.header.stage == .fast, let optimiser else { return }
        let request = request()
        optimiser.enqueue(
            Optimiser.Job(key: key, sourceBytes: 0) { workers in
                await fetchAndOptimise(key: key, path: path, request: request, on: workers)
            })
    }

    /// A resumed job: fetches the source at `path` and optimises the variant under `key` from
    /// it, unless the variant is no longer at its fast stage or the source's version is no
    /// longer the key's. A source that cannot be fetched leaves the fast bytes as lasting, as a
    /// failed encode does, so a variant's hits never fetch its source again and again.
    private func fetchAndOptimise(
        key: VariantKey, path: SourcePath, request: ImageRequest, on workers: ImageWorkers
    ) async -> Optimiser.Outcome {
        guard case .variant(let fast)? = await cache.lookup(key, ifNoneMatch: nil)?.hit, fast.header.stage == .fast
        else { return .stale }
        let source: SourceImage
        do throws(OriginError) {
            source = try await origin.fetch(path, limit: request.limits.maxSourceBytes)
        } catch {
            if Task.isCancelled { return .failed("stopped by shutdown") }
            await cache.store(fast.markedFinal, for: key)
            return .failed("fetching the source again: \(error)")
        }
        let input = JobInput.encoded(source)
        var digest: [UInt8]?
        if source.version == nil {
            digest = try? await workers.withPlace(for: nil) { place throws(ImageServiceError) in
                try await workers.run(in: place) { () throws(ImageServiceError) in input.digest }
            }
        }
        guard (source.version ?? digest.map(SourceImage.contentVersion)) == key.version else { return .stale }
        return await optimise(input, request, key: key, digest: digest, fast: fast, on: workers)
    }
}
