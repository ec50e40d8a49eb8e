import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing
import Vips

@testable import ImgEdge

@Suite("The optimiser: a miss answered fast, then replaced by the quality chosen for the image at a high effort")
struct OptimiserTests {
    /// GETs `uri` as a browser taking `accept`, until `done` says the answer is the awaited one
    /// or `timeout` passes; the last answer.
    static func poll(
        _ client: any TestClientProtocol, _ uri: String, accept: String, timeout: Duration = .seconds(60),
        until done: (TestResponse) -> Bool
    ) async throws -> TestResponse {
        let deadline = ContinuousClock.now + timeout
        while true {
            let response = try await client.get(uri, [.accept: accept])
            if done(response) || ContinuousClock.now > deadline { return response }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Asks for `uri` until it is a disk hit, for up to ten seconds.
    static func awaitDiskHit(_ client: some TestClientProtocol, _ uri: String) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while try await client.get(uri).headers[.xCache] != "HIT-DISK", ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test(
        "the first answer is the fast encode with a short max-age; later ones the smaller optimised bytes, a new tag and immutable",
        arguments: [("image/webp", 0), ("image/jxl", 70)])
    func fastThenOptimised(accept: String, qualityTarget: Int) async throws {
        let configuration = testConfiguration {
            $0.encoding.optimizeAfterSeconds = 120
            $0.encoding.qualityTarget = qualityTarget
        }
        try await withServer(configuration) { client in
            let uri = "/landscape.jpg?w=480"
            let fast = try await client.get(uri, [.accept: accept])
            #expect(fast.status == .ok)
            #expect(fast.headers[.xStage] == "fast")
            #expect(fast.headers[.cacheControl] == "public, max-age=120")
            let optimised = try await Self.poll(client, uri, accept: accept) { $0.headers[.xStage] != "fast" }
            #expect(optimised.headers[.xStage] == "optimised")
            #expect(optimised.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(optimised.headers[.eTag] != nil && optimised.headers[.eTag] != fast.headers[.eTag])
            #expect(optimised.headers[.xVariant] == fast.headers[.xVariant])
            #expect(optimised.body.readableBytes < fast.body.readableBytes)
            // The same picture within the target: scored against the render's own pixels (libvips'
            // thumbnail, as the server makes it), the optimised bytes reach the target, or JPEG
            // q80's score on it by default (a point of slack for the scorer's float sums).
            let render = try QualitySearchTests.photo()
            let target =
                qualityTarget > 0
                ? Double(qualityTarget)
                : try QualitySearch.score(of: render.encoded(as: .jpeg, quality: 80, effort: 0), against: render)
            let optimisedScore = try QualitySearch.score(of: Array(optimised.body.readableBytesView), against: render)
            #expect(optimisedScore >= target - 1, "scores \(optimisedScore) against a target of \(target)")
            // A cache revalidating the fast bytes gets the optimised ones, not a 304.
            let revalidated = try await client.get(
                uri, [.accept: accept, .ifNoneMatch: try #require(fast.headers[.eTag])])
            #expect(revalidated.status == .ok)
            #expect(revalidated.headers[.eTag] == optimised.headers[.eTag])
            // Counted: one replaced, and its bytes, original > fast > optimised.
            let samples = prometheusSamples(String(buffer: try await client.get("/metrics").body))
            #expect(samples[#"imgedge_optimiser_jobs_total{outcome="replaced"}"#] == 1)
            let format = try #require(optimised.headers[.xVariant])
            func bytes(_ kind: String) -> Int? {
                samples["imgedge_optimiser_bytes_total{format=\"\(format)\",bytes=\"\(kind)\"}"]
            }
            #expect(bytes("fast") == fast.body.readableBytes)
            #expect(bytes("optimised") == optimised.body.readableBytes)
            #expect((bytes("original") ?? 0) > fast.body.readableBytes)
            #expect(samples["imgedge_optimiser_queued"] == 0)
        }
    }

    @Test("a client taking several formats gets whichever the optimiser made smallest at the target")
    func smallestFormatKept() async throws {
        try await withServer(testConfiguration { $0.encoding.optimizeAfterSeconds = 120 }) { client in
            let uri = "/landscape.jpg?w=320"
            var optimised: [String: TestResponse] = [:]
            for accept in ["image/jxl", "image/avif", "image/webp", "image/jxl,image/avif,image/webp"] {
                _ = try await client.get(uri, [.accept: accept])
                optimised[accept] = try await Self.poll(client, uri, accept: accept) { $0.headers[.xStage] != "fast" }
            }
            let each = ["image/jxl", "image/avif", "image/webp"].compactMap { optimised[$0] }
            let smallest = try #require(each.min { $0.body.readableBytes < $1.body.readableBytes })
            let chosen = try #require(optimised["image/jxl,image/avif,image/webp"])
            #expect(each.allSatisfy { $0.headers[.xStage] == "optimised" })
            #expect(chosen.headers[.xStage] == "optimised")
            #expect(chosen.headers[.xVariant] == smallest.headers[.xVariant])
            #expect(chosen.body == smallest.body)
            #expect(chosen.headers[.contentType] == smallest.headers[.contentType])
        }
    }

    @Test("text captured from a PNG is kept as lossless WebP where that is smallest, every pixel exact")
    func losslessScreenshot() async throws {
        try await withServer(testConfiguration { $0.encoding.optimizeAfterSeconds = 120 }) { client in
            let (uri, accept) = ("/screenshot-text.png?w=1280", "image/webp")
            let fast = try await client.get(uri, [.accept: accept])
            #expect(fast.headers[.xStage] == "fast")
            let optimised = try await Self.poll(client, uri, accept: accept) { $0.headers[.xStage] != "fast" }
            #expect(optimised.headers[.xStage] == "optimised")
            #expect(optimised.headers[.contentType] == "image/webp")
            #expect(optimised.body.readableBytes < fast.body.readableBytes)
            let served = try Image.pixels(decoding: Array(optimised.body.readableBytesView))
            let source = try Image.pixels(
                decoding: Array(try Data(contentsOf: URL(fileURLWithPath: "\(testImagesDirectory)/screenshot-text.png"))))
            #expect(served.width == source.width && served.height == source.height && served.bands == source.bands)
            #expect(served.pixels == source.pixels, "lossless")
        }
    }

    @Test(
        "a flat graphic for a client taking no modern format is kept as a palette PNG where that reaches the target in fewer bytes"
    )
    func paletteGraphic() async throws {
        try await withServer(testConfiguration { $0.encoding.optimizeAfterSeconds = 120 }) { client in
            let (uri, accept) = ("/screenshot-ui.png?w=800", "image/png,image/*;q=0.8")
            let fast = try await client.get(uri, [.accept: accept])
            #expect(fast.headers[.xStage] == "fast")
            #expect(fast.headers[.contentType] == "image/jpeg")
            let optimised = try await Self.poll(client, uri, accept: accept) { $0.headers[.xStage] != "fast" }
            #expect(optimised.headers[.xStage] == "optimised")
            #expect(optimised.headers[.contentType] == "image/png")
            #expect(optimised.body.readableBytes < fast.body.readableBytes)
            // A palette: IHDR's colour type, the 26th byte, is 3.
            #expect(optimised.body.getInteger(at: optimised.body.readerIndex + 25, as: UInt8.self) == 3)
            // It reaches the target on the render: JPEG q80's score on the same thumbnail.
            let source = try Data(contentsOf: URL(fileURLWithPath: "\(testImagesDirectory)/screenshot-ui.png"))
            let render = try Image.thumbnail(of: SourceBytes(source), ThumbnailRequest(width: 800, height: nil)).materialized()
            let target = try QualitySearch.score(of: render.encoded(as: .jpeg, quality: 80, effort: 0), against: render)
            let score = try QualitySearch.score(of: Array(optimised.body.readableBytesView), against: render)
            #expect(score >= target - 1, "scores \(score) against a target of \(target)")
        }
    }

    @Test("a URL's own q, a lossless format and an upload are final at once")
    func finalAtOnce() async throws {
        let configuration = testConfiguration { $0.encoding.optimizeAfterSeconds = 120 }
        try await withServer(configuration) { client in
            for (uri, accept) in [("/landscape.jpg?w=300&q=70", "image/webp"), ("/landscape.jpg?w=300&format=png", "*/*")] {
                let response = try await client.get(uri, [.accept: accept])
                #expect(response.status == .ok)
                #expect(response.headers[.xStage] == "final", "\(uri)")
                #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable", "\(uri)")
            }
            let upload = try await client.execute(
                uri: "/resize?w=200&format=webp", method: .post, headers: [.contentType: "image/jpeg"],
                body: ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: "\(testImagesDirectory)/landscape.jpg")))
            ) { $0 }
            #expect(upload.status == .ok)
            #expect(upload.headers[.xStage] == "final")
        }
    }

    @Test("an optimised encode no smaller than the fast one leaves the fast bytes, final and immutable, under their tag")
    func fastKeptWhenNotBeaten() async throws {
        // A target no quality reaches: the search ends at the highest, larger than the default's.
        let configuration = testConfiguration {
            $0.encoding.optimizeAfterSeconds = 120
            $0.encoding.qualityTarget = 100
        }
        try await withServer(configuration) { client in
            let uri = "/landscape.jpg?w=320"
            let fast = try await client.get(uri, [.accept: "image/webp"])
            #expect(fast.headers[.xStage] == "fast")
            let kept = try await Self.poll(client, uri, accept: "image/webp") { $0.headers[.xStage] != "fast" }
            #expect(kept.headers[.xStage] == "final")
            #expect(kept.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(kept.headers[.eTag] == fast.headers[.eTag])
            #expect(kept.body == fast.body)
        }
    }

    @Test("with --optimize-after-seconds 0 every variant is final and immutable at once")
    func off() async throws {
        try await withServer(testConfiguration()) { client in
            let response = try await client.get("/landscape.jpg?w=300", [.accept: "image/webp"])
            #expect(response.headers[.xStage] == "final")
            #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
        }
    }

    @Test(
        "a variant still at its fast stage when the server is killed is kept on disk so, optimised when a request finds it after a restart, and read back as optimised"
    )
    func resumedAfterRestart() async throws {
        try await withOriginDirectory { cacheDirectory in
            let (uri, accept) = ("/landscape.jpg?w=800", "image/avif")
            // Final at once, and indexed at start-up with every other entry: once it is a hit,
            // the disk tier knows all that the last run left.
            let sentinel = "/landscape.jpg?w=20&format=png"
            // The executable, killed once both entries are on disk: seconds before its optimised
            // AVIF encode could be.
            let killed = try await ImgEdgeProcess.Server.servingTestImages([
                "--cache-dir", cacheDirectory.path, "--memory-cache-bytes", "0", "--optimize-after-seconds", "120",
            ])
            func get(_ uri: String) async throws -> ProxiedResponse {
                try await ProxiedResponse.get("http://127.0.0.1:\(killed.port)\(uri)", [("Accept", accept)])
            }
            _ = try await get(sentinel)
            let fast = try await get(uri)
            #expect(fast["X-Stage"] == "fast")
            let deadline = ContinuousClock.now + .seconds(10)
            while try Self.entryFiles(in: cacheDirectory) < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            killed.send(SIGKILL)
            _ = await killed.exitStatus()
            let configuration = testConfiguration {
                $0.cache.directory = cacheDirectory.path
                $0.cache.memoryBytes = 0
                $0.encoding.optimizeAfterSeconds = 120
            }
            try await withServer(configuration) { client in
                try await Self.awaitDiskHit(client, sentinel)
                let kept = try await client.get(uri, [.accept: accept])
                #expect(kept.headers[.xCache] == "HIT-DISK")
                #expect(kept.headers[.xStage] == "fast")
                #expect(kept.headers[.cacheControl] == "public, max-age=120")
                #expect(kept.headers[.eTag] == fast["ETag"])
                let optimised = try await Self.poll(client, uri, accept: accept) { $0.headers[.xStage] != "fast" }
                #expect(optimised.headers[.xStage] == "optimised")
                #expect(optimised.headers[.xCache] == "HIT-DISK")
                #expect(optimised.body.readableBytes < fast.body.count)
                let samples = prometheusSamples(String(buffer: try await client.get("/metrics").body))
                #expect(samples[#"imgedge_optimiser_jobs_total{outcome="replaced"}"#] == 1)
            }
            try await withServer(configuration) { client in
                try await Self.awaitDiskHit(client, sentinel)
                let again = try await client.get(uri, [.accept: accept])
                #expect(again.headers[.xCache] == "HIT-DISK")
                #expect(again.headers[.xStage] == "optimised")
                #expect(again.headers[.cacheControl] == "public, max-age=31536000, immutable")
            }
        }
    }

    @Test("with worker processes, the CPU time the misses' workers and the optimiser's worker spent is counted apart")
    func workerCPUCounted() async throws {
        let server = try await ImgEdgeProcess.Server.servingTestImages(["--optimize-after-seconds", "120"])
        func get(_ uri: String) async throws -> ProxiedResponse {
            try await ProxiedResponse.get("http://127.0.0.1:\(server.port)\(uri)", [("Accept", "image/avif")])
        }
        func cpuSeconds(_ pool: String) async throws -> Double? {
            let series = "imgedge_worker_cpu_seconds_total{pool=\"\(pool)\"} "
            return String(decoding: try await get("/metrics").body, as: UTF8.self).split(separator: "\n")
                .first { $0.hasPrefix(series) }.flatMap { Double($0.dropFirst(series.count)) }
        }
        let uri = "/large-20mp.jpg?w=800"
        #expect(try await get(uri)["X-Stage"] == "fast")
        let deadline = ContinuousClock.now + .seconds(60)
        while try await get(uri)["X-Stage"] == "fast", ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        // The miss decodes 20 MP (tens of milliseconds); the optimiser encodes AVIF at effort 4
        // and searches three formats' qualities (seconds).
        let requests = try #require(try await cpuSeconds("requests"))
        let optimiser = try #require(try await cpuSeconds("optimiser"))
        #expect(requests > 0 && requests < 5, "\(requests) s")
        #expect(optimiser > requests, "optimiser \(optimiser) s, misses \(requests) s")
        #expect(await server.stop() == 0)
    }

    /// The entry files in a disk tier's shard directories.
    static func entryFiles(in directory: URL) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.count == 2 }.reduce(0) {
            $0 + (try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent($1).path).count)
        }
    }

    @Test("a full queue drops new work at once, counted, and runs what it kept in order")
    func fullQueueDrops() async throws {
        var settings = ImageWorkers.Settings()
        (settings.workers, settings.isolation) = (1, .none)
        let metrics = ServiceMetrics()
        let optimiser = Optimiser(
            workers: ImageWorkers(settings: settings, placesPerClient: 1), logger: Logger(label: "test"),
            observer: Optimiser.Observer(ended: metrics.countOptimisation, dropped: metrics.countOptimisationDropped),
            maxJobs: 2, maxSourceBytes: 1000)
        let gate = AsyncStream<Void>.makeStream()
        let ran = Mutex<[Int]>([])
        func job(_ number: Int, bytes: Int = 1, waits: Bool = false) -> Optimiser.Job {
            Optimiser.Job(key: VariantKey(source: "test", version: "1", rendering: "\(number)"), sourceBytes: bytes) { _ in
                if waits { for await _ in gate.stream { break } }
                ran.withLock { $0.append(number) }
                return .notSmaller(Optimiser.Sizes(format: .webp, original: 0, fast: 0, optimised: 0))
            }
        }
        #expect(optimiser.enqueue(job(1, waits: true)))
        // Job 1 leaves the queue when it starts; 2 and 3 fill it.
        try await Task.sleep(for: .milliseconds(100))
        #expect(optimiser.enqueue(job(2)))
        #expect(optimiser.enqueue(job(3)))
        #expect(!optimiser.enqueue(job(4)))
        #expect(optimiser.waiting == 2)
        // A variant waiting, or running, is not queued twice, nor counted as dropped.
        #expect(optimiser.enqueue(job(2)) && optimiser.enqueue(job(1)))
        #expect(optimiser.waiting == 2)
        gate.continuation.yield()
        let deadline = ContinuousClock.now + .seconds(10)
        while ran.withLock({ $0.count }) < 3, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(ran.withLock { $0 } == [1, 2, 3])
        // Bytes of source bound the queue too.
        #expect(!optimiser.enqueue(job(5, bytes: 1001)))
        let samples = prometheusSamples(String(decoding: metrics.exposition(load: (0, 0)), as: UTF8.self))
        #expect(samples[#"imgedge_optimiser_jobs_total{outcome="dropped"}"#] == 2)
        #expect(samples[#"imgedge_optimiser_jobs_total{outcome="not_smaller"}"#] == 3)
        try await optimiser.shutdown()
    }
}
