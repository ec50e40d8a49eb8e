import Filters
import Foundation
import Vips

/// Server to worker: everything a `RenderJob` reads except the source's bytes, which travel
/// beside the frame as a sealed memfd of `sourceLength` bytes.
struct WorkerJob: Codable, Sendable {
    /// A filter module by name, and the fingerprint of the bytes the server resolved it to,
    /// which the worker's own copy must have.
    struct Module: Codable, Sendable, Equatable {
        var name: String
        var fingerprint: UInt64

        init(_ module: FilterModule) {
            name = module.name
            fingerprint = module.fingerprint
        }
    }

    /// A `filter=` step.
    struct Filter: Codable, Sendable, Equatable {
        var module: Module
        var arguments: [Float]
    }

    var options: ProcessingOptions
    /// The module an upload passes through before it is decoded, if any.
    var transform: Module?
    var filters: [Filter]
    var negotiated: NegotiatedFormat
    var identity: VariantIdentity
    var ifNoneMatch: String?
    var limits: SourceLimits
    var encoding: EncodingSettings
    /// The SHA-256 of the source, which the server computed: the tag's first part.
    var sourceDigest: [UInt8]
    var lastModified: String?
    /// Which encode of the variant the job is.
    var pass: RenderPass
    var sourceLength: Int

    /// The most bytes a job's JSON takes: options and filter arguments are bounded by the query
    /// they came from, which the HTTP server bounds far below this.
    static let maxEncodedLength = 1 << 20

    /// The job `job` is, for a source of `sourceLength` bytes.
    init(_ job: RenderJob, sourceLength: Int) {
        options = job.options
        transform = job.filters.transform.map(Module.init)
        filters = job.filters.steps.map { Filter(module: Module($0.module), arguments: $0.arguments) }
        negotiated = job.negotiated
        identity = job.identity
        ifNoneMatch = job.ifNoneMatch
        limits = job.limits
        encoding = job.encoding
        sourceDigest = job.sourceDigest
        lastModified = job.input.lastModified
        pass = job.pass
        self.sourceLength = sourceLength
    }
}

/// Worker to server: how the job ended. An image's bytes follow in a `.body` frame of exactly
/// `bodyLength` bytes.
///
/// The server believes none of it blindly: the format must be one the request allows, the tag
/// the one the server computes itself for that format, every length and duration in its bounds.
enum WorkerAnswer: Codable, Sendable {
    case rendered(format: VariantFormat, entityTag: String, stage: VariantStage, bodyLength: Int, timings: StageTimings)
    case notModified(format: VariantFormat, entityTag: String, stage: VariantStage)
    case failed(WorkerJobError)

    /// The most bytes an answer's JSON takes.
    static let maxEncodedLength = 64 << 10
    /// The most bytes of a body: more than the largest output the pixel limits allow in any
    /// format, and more than the largest source served as it is.
    static let maxBodyLength = 512 << 20

    /// What a worker's answer says once the server has checked it.
    enum Checked {
        case rendered(VariantHeader, bodyLength: Int, timings: StageTimings)
        case notModified(VariantHeader)
        case failed(ImageServiceError)
    }

    /// Decodes `payload` and checks it against `job`, the job it answers: the format one the job
    /// may give, the tag the server's own for it, every length and duration within bounds.
    /// - Parameter longest: the longest a stage of the job can have taken.
    static func checked(_ payload: [UInt8], for job: RenderJob, within longest: Duration) throws(WorkerProtocolError) -> Checked {
        let answer: WorkerAnswer
        do {
            answer = try JSONDecoder().decode(WorkerAnswer.self, from: Data(payload))
        } catch {
            throw .malformed("the answer does not decode")
        }
        switch answer {
        case .failed(let failure):
            // A module's name becomes a metric's label: only the job's own modules may fail.
            if case .filter(let error) = failure, !job.filters.moduleNames.contains(error.moduleName) {
                throw .malformed("a failure of module \(error.moduleName.prefix(64)), which the job does not run")
            }
            return .failed(failure.serviceError)
        case .notModified(let format, let entityTag, let stage):
            let header = try job.checkedHeader(format: format, entityTag: entityTag, stage: stage)
            guard let ifNoneMatch = job.ifNoneMatch, EntityTag.isMatched(entityTag, byIfNoneMatch: ifNoneMatch) else {
                throw .malformed("not modified, but the tag is not one If-None-Match names")
            }
            return .notModified(header)
        case .rendered(let format, let entityTag, let stage, let bodyLength, let timings):
            let header = try job.checkedHeader(format: format, entityTag: entityTag, stage: stage)
            guard (0...maxBodyLength).contains(bodyLength) else { throw .malformed("a body of \(bodyLength) bytes") }
            for stage in StageTimings.Stage.allCases {
                guard let duration = timings.duration(of: stage) else { continue }
                guard duration >= .zero, duration <= longest else { throw .malformed("\(stage.rawValue) took \(duration)") }
            }
            return .rendered(header, bodyLength: bodyLength, timings: timings)
        }
    }
}

extension RenderJob {
    /// The header of the variant a worker says this job gave as `format` under `entityTag`, at
    /// `stage`.
    /// - Throws: `.malformed` unless the format is one this job may give, the tag is the one the
    ///   job gives it, as a render, as the original itself or as the optimiser's encode at one of
    ///   the qualities searched (or lossless WebP, or a palette PNG), and the stage is one this
    ///   job's pass may give.
    func checkedHeader(format: VariantFormat, entityTag: String, stage: VariantStage) throws(WorkerProtocolError) -> VariantHeader
    {
        let header = VariantHeader(
            format: format, entityTag: entityTag, lastModified: input.lastModified, renderedAt: VariantHeader.currentTime,
            stage: stage)
        let stageAllowed =
            switch stage {
            case .final: true
            case .fast: pass != .only
            case .optimised: pass == .optimised
            }
        switch (options.answer, format) {
        case _ where !stageAllowed:
            break
        case (.metadata, .metadata), (.thumbHash, .thumbHash):
            if entityTag == renderedTag(format).description { return header }
        case (.image, .image(let image)), (.placeholder, .image(let image)):
            let renderable = negotiated.candidates.contains(image) || [.jpeg, .png, .gif].contains(image)
            if stage == .optimised {
                if renderable,
                    QualitySearch.qualities.contains(where: { entityTag == optimisedTag(image, quality: $0).description })
                        || ([.webp, .png].contains(image) && entityTag == optimisedTag(image, quality: nil).description)
                {
                    return header
                }
            } else {
                if renderable, entityTag == renderedTag(format).description { return header }
                if negotiated.accepts(image), entityTag == originalTag(image).description { return header }
            }
        default:
            break
        }
        throw .malformed("\(format.rawValue) under \(entityTag.prefix(64)) at \(stage.rawValue) is not a variant this job gives")
    }
}

/// The failures a job itself can end in, as a worker reports them: a source the limits refuse,
/// libvips failing or stopped, a filter failing. Anything else from a worker is a protocol
/// violation.
enum WorkerJobError: Error, Codable, Sendable, Equatable {
    case source(SourceError)
    case vips(VipsError)
    case filter(FilterError)

    init?(_ error: ImageServiceError) {
        switch error {
        case .source(let error): self = .source(error)
        case .vips(let error): self = .vips(error)
        case .filter(let error): self = .filter(error)
        case .request, .refused, .origin, .overloaded, .worker: return nil
        }
    }

    var serviceError: ImageServiceError {
        switch self {
        case .source(let error): .source(error)
        case .vips(let error): .vips(error)
        case .filter(let error): .filter(error)
        }
    }
}

extension FilterRegistry {
    /// The loaded module `reference` names, if it is the one the server resolved.
    /// - Throws: `.invalidModule` when this worker has no module of that name, or another one.
    func module(_ reference: WorkerJob.Module) throws(FilterError) -> FilterModule {
        guard let module = modules[reference.name], module.fingerprint == reference.fingerprint else {
            throw .invalidModule(name: reference.name, reason: "not the module the server resolved")
        }
        return module
    }
}
