import Filters
import Foundation
import Testing
import Vips

@testable import ImgEdge

@Suite("A worker's answer is believed only as far as the server can check it")
struct WorkerAnswerTests {
    /// A job for `/x.jpg?format=webp` (or JSON), whose client's `If-None-Match` is `ifNoneMatch`.
    private static func job(answer: Answer = .image, ifNoneMatch: String? = nil) throws -> RenderJob {
        var query = [(name: "w", value: "100")]
        if answer != .image { query.append((name: "format", value: answer.rawValue)) }
        let options = try ProcessingOptions(query: query, maxOutputDimension: 8192)
        let registry = FilterRegistry(modules: [])
        let filters = RequestFilters(registry: registry)
        let negotiated = NegotiatedFormat(candidates: [.webp, .jpeg], isExplicit: false, consultedHeaders: ["Accept"])
        return RenderJob(
            input: .encoded(SourceImage(bytes: SourceBytes([1, 2, 3]), lastModified: nil, version: nil)), options: options,
            filters: filters, negotiated: negotiated,
            identity: VariantIdentity(options: options, filters: filters, negotiated: negotiated),
            sourceDigest: Array(repeating: 9, count: 32), ifNoneMatch: ifNoneMatch, limits: SourceLimits(),
            encoding: EncodingSettings(), timings: StageTimings(), budget: EvaluationBudget())
    }

    private static func payload(_ answer: WorkerAnswer) throws -> [UInt8] {
        Array(try JSONEncoder().encode(answer))
    }

    private static func check(_ answer: WorkerAnswer, for job: RenderJob) throws -> WorkerAnswer.Checked {
        try WorkerAnswer.checked(try payload(answer), for: job, within: .seconds(11))
    }

    @Test("a render under the server's own tag for a format the client takes is believed")
    func honest() throws {
        let job = try Self.job()
        let tag = job.renderedTag(.image(.webp)).description
        var timings = StageTimings()
        timings.add(.milliseconds(30), to: .encode)
        let checked = try Self.check(
            .rendered(format: .image(.webp), entityTag: tag, stage: .final, bodyLength: 5, timings: timings), for: job)
        guard case .rendered(let header, 5, let believed) = checked else {
            Issue.record("\(checked)")
            return
        }
        #expect(header.format == .image(.webp) && header.entityTag == tag)
        #expect(believed.duration(of: .encode) == .milliseconds(30))
        let original = job.originalTag(.jpeg).description
        let kept = try Self.check(
            .rendered(format: .image(.jpeg), entityTag: original, stage: .final, bodyLength: 3, timings: .init()), for: job)
        guard case .rendered = kept else {
            Issue.record("the original's own tag is one the job gives: \(kept)")
            return
        }
    }

    @Test(
        "a tag of the worker's choosing, a format the job cannot give, a huge body, a long stage or another module's failure is refused"
    )
    func lies() throws {
        let job = try Self.job()
        let webp = job.renderedTag(.image(.webp)).description
        var slow = StageTimings()
        slow.add(.seconds(12), to: .decode)
        var negative = StageTimings()
        negative.add(.seconds(-1), to: .decode)
        let lies: [WorkerAnswer] = [
            .rendered(
                format: .image(.webp), entityTag: "\"chosen-by-the-worker\"", stage: .final, bodyLength: 5, timings: .init()),
            .rendered(
                format: .image(.avif), entityTag: job.renderedTag(.image(.avif)).description, stage: .final, bodyLength: 5,
                timings: .init()),
            .rendered(
                format: .metadata, entityTag: job.renderedTag(.metadata).description, stage: .final, bodyLength: 5,
                timings: .init()),
            .rendered(format: .image(.jpeg), entityTag: webp, stage: .final, bodyLength: 5, timings: .init()),
            .rendered(
                format: .image(.webp), entityTag: webp, stage: .final, bodyLength: WorkerAnswer.maxBodyLength + 1,
                timings: .init()),
            .rendered(format: .image(.webp), entityTag: webp, stage: .final, bodyLength: -1, timings: .init()),
            .rendered(format: .image(.webp), entityTag: webp, stage: .final, bodyLength: 5, timings: slow),
            .rendered(format: .image(.webp), entityTag: webp, stage: .final, bodyLength: 5, timings: negative),
            .notModified(format: .image(.webp), entityTag: webp, stage: .final),  // no If-None-Match was sent
            // A module the job does not run: its name would be a new label of a metric.
            .failed(.filter(.failed(name: "made-up-1", kind: .processingFailed, detail: "trap"))),
        ]
        for lie in lies {
            #expect(throws: WorkerProtocolError.self, "\(lie)") { try Self.check(lie, for: job) }
        }
        #expect(throws: WorkerProtocolError.malformed("the answer does not decode")) {
            try WorkerAnswer.checked(Array("{\"rendered\":{}}".utf8), for: job, within: .seconds(11))
        }
    }

    @Test("not modified is believed only for the tag the client named; a job's own failure passes through")
    func notModifiedAndFailures() throws {
        let probe = try Self.job()
        let tag = probe.renderedTag(.image(.webp)).description
        let job = try Self.job(ifNoneMatch: tag)
        guard
            case .notModified(let header) = try Self.check(
                .notModified(format: .image(.webp), entityTag: tag, stage: .final), for: job)
        else {
            Issue.record("not believed")
            return
        }
        #expect(header.entityTag == tag)
        let other = job.renderedTag(.image(.jpeg)).description
        #expect(throws: WorkerProtocolError.self) {
            try Self.check(.notModified(format: .image(.jpeg), entityTag: other, stage: .final), for: job)
        }
        guard case .failed(.vips(.decodeFailed("bad"))) = try Self.check(.failed(.vips(.decodeFailed("bad"))), for: job) else {
            Issue.record("a job's failure is the job's")
            return
        }
        let json = try Self.job(answer: .metadata)
        #expect(throws: WorkerProtocolError.self) {
            try Self.check(
                .rendered(
                    format: .image(.webp), entityTag: json.renderedTag(.image(.webp)).description, stage: .final, bodyLength: 5,
                    timings: .init()
                ),
                for: json)
        }
    }
}
