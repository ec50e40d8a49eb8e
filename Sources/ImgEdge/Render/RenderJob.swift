import Crypto
import Filters
import NIOCore
import Vips

/// One request's libvips work, run start to finish on one worker thread.
///
/// Reads in the pipeline's order: sniff → header → limits → format → tag (304?) → plan →
/// decode, turn, crop, trim, resize and pad → filters → encode → the original instead, if it is
/// smaller. libvips is lazy and its per-thread state must be released on the thread that used
/// it, so nothing here may hop threads. The job computes within `budget`:
/// its clock starts when the job does, and libvips and the strip filters stop once it is spent.
struct RenderJob: Sendable {
    var input: JobInput
    var options: ProcessingOptions
    var filters: RequestFilters
    var negotiated: NegotiatedFormat
    /// What the variant's tag is made of besides the source, the format and the encoder.
    var identity: VariantIdentity
    /// The SHA-256 of the source's bytes (`JobInput.digest`), computed once by whoever runs the job.
    var sourceDigest: [UInt8]
    var ifNoneMatch: String?
    var limits: SourceLimits
    var encoding: EncodingSettings
    var timings: StageTimings
    var budget: EvaluationBudget
    /// Which encode of the variant this is.
    var pass = RenderPass.only

    func run() throws(ImageServiceError) -> RenderOutcome {
        defer { Libvips.endJob() }
        budget.start(limits.maxProcessingTime)
        var timings = timings
        let opened = try timings.measure(.decode) { () throws(ImageServiceError) in try open() }
        let header = opened.header
        let animated = header.frames > 1 && !options.isPlaceholder
        let format = negotiated.format(hasAlpha: header.hasAlpha, isAnimated: animated)
        let frames = animated && format.canAnimate ? min(header.frames, limits.maxAnimationFrames) : 1
        guard header.pixelCount * frames <= limits.maxInputPixels else {
            throw .source(
                .tooManyPixels(width: header.width, height: header.height, frames: frames, limit: limits.maxInputPixels))
        }
        let variant: VariantFormat =
            switch options.answer {
            case .image, .placeholder: .image(format)
            case .metadata: .metadata
            case .thumbHash: .thumbHash
            }
        let stage = stage(of: variant, hasAlpha: header.hasAlpha, frames: frames)
        let tag = renderedTag(variant)
        let variantHeader = cachingHeader(of: variant, tag: tag, stage: stage)
        if let ifNoneMatch, tag.isMatched(byIfNoneMatch: ifNoneMatch) {
            return .notModified(variantHeader)
        }
        if variant == .metadata || variant == .thumbHash {
            let summary = try timings.measure(.decode) { () throws(ImageServiceError) in
                try ImageServiceError.reporting { () throws(VipsError) in try SourceSummary(opened, budget: budget) }
            }
            let body = variant == .metadata ? summary.json : summary.thumbHash
            return .image(RenderedImage(body: ByteBuffer(bytes: body), header: variantHeader, timings: timings))
        }
        let plan = try plan(for: header, frames: frames)
        let outputPixels = plan.outputWidth * plan.outputHeight * frames
        guard budget.canFinishEncoding(format, effort: encoding.effort(for: format), pixels: outputPixels) else {
            throw .vips(.stopped)  // before decoding: the encode alone could not finish by the deadline
        }
        let image = try decodeAndResize(opened, plan: plan, frames: frames, flatten: !format.supportsAlpha, timings: &timings)
        if pass == .optimised, stage == .fast {
            // Flat graphics and screenshots come as PNG or GIF.
            let losslessSource = header.loader.hasPrefix("pngload") || header.loader.hasPrefix("gifload")
            return try optimised(
                image, as: optimisedFormats(after: format), tryingLossless: losslessSource, timings: timings)
        }
        let bytes = try timings.measure(.encode) { () throws(ImageServiceError) in
            try ImageServiceError.reporting { () throws(VipsError) in
                try image.encoded(
                    as: format,
                    quality: encoding.quality(for: format, requested: options.quality, savingData: options.savesData),
                    effort: encoding.effort(for: format)
                )
            }
        }
        if let original = original(ifSmallerThan: bytes.count, header: header, plan: plan, frames: frames, timings: timings) {
            return original
        }
        return .image(RenderedImage(body: ByteBuffer(bytes: bytes), header: variantHeader, timings: timings))
    }

    /// Whether `variant`, from a source with alpha or not and of `frames` frames, has a fast stage
    /// that an optimised one replaces (`VariantStage`): a still image in a lossy format at its
    /// default quality, without alpha (the quality search scores opaque pixels), when this pass
    /// is not the only one. `.final` otherwise.
    func stage(of variant: VariantFormat, hasAlpha: Bool, frames: Int) -> VariantStage {
        guard pass != .only, case .image(let format) = variant, options.answer == .image, options.quality == nil,
            !options.savesData, frames == 1, !(hasAlpha && format.supportsAlpha), encoding.optimises(format)
        else { return .final }
        return .fast
    }

    /// libimagequant's effort for a palette PNG: its slowest and best, 1–10.
    static let paletteEffort = 10

    /// The formats the optimised encode tries for an image whose fast encode is `format`: that
    /// one first, then, unless the URL fixed the format, every other the client named that the
    /// optimiser encodes (JPEG XL, AVIF, WebP), in its order. Which is smallest at the same
    /// score depends on the image (on the second benchmark set, JPEG XL for 3 of the 12 photos
    /// and AVIF for the rest: BENCHMARKS.md "Quality and bytes per browser").
    func optimisedFormats(after format: ImageFormat) -> [ImageFormat] {
        guard !negotiated.isExplicit else { return [format] }
        return [format] + negotiated.candidates.filter { $0 != format && encoding.optimises($0) }
    }

    /// `image` encoded at the quality `QualitySearch` chooses for it and the optimised effort, in
    /// whichever of `formats` gives the fewest bytes at the target score (the first on a tie),
    /// under a tag naming the format, quality and effort. With `tryingLossless` (a source stored
    /// without loss, where flat graphics and screenshots come from), two more: lossless WebP,
    /// when WebP is among `formats`, every pixel exact (a page of README text at 1280 px: 36 kB
    /// against 51 kB of AVIF at the target); and a palette PNG, which every client takes, when it
    /// reaches the target (an 800 px dashboard: 29 kB against 35 kB of JPEG). A format whose
    /// search fails (its deadline passed, say) is passed over, unless none succeeds.
    private func optimised(
        _ image: borrowing Image, as formats: [ImageFormat], tryingLossless: Bool, timings: StageTimings
    ) throws(ImageServiceError)
        -> RenderOutcome
    {
        var timings = timings
        let start = ContinuousClock.now
        // Every format aims at the score the first search found its target to be.
        var target = encoding.qualityTarget > 0 ? Double(encoding.qualityTarget) : nil
        var best: (format: ImageFormat, bytes: [UInt8], tag: EntityTag)?
        var firstFailure: QualitySearchError?
        for format in formats {
            let search = QualitySearch(
                format: format, trialEffort: encoding.effort(for: format),
                finalEffort: encoding.optimisedEffort[format] ?? 0, target: target)
            do {
                let outcome = try search.run(on: image)
                target = outcome.target
                if outcome.bytes.count < best?.bytes.count ?? .max {
                    best = (format, outcome.bytes, optimisedTag(format, quality: outcome.quality))
                }
            } catch {
                firstFailure = firstFailure ?? error
            }
        }
        if tryingLossless, formats.contains(.webp),
            let bytes = try? image.encoded(as: .webp, quality: 100, effort: encoding.optimisedEffort[.webp] ?? 0, lossless: true),
            bytes.count < best?.bytes.count ?? .max
        {
            best = (.webp, bytes, optimisedTag(.webp, quality: nil))
        }
        if tryingLossless, let target,
            let bytes = try? image.encoded(as: .png, quality: 100, effort: Self.paletteEffort, palette: true),
            bytes.count < best?.bytes.count ?? .max, (try? QualitySearch.score(of: bytes, against: image)) ?? 0 >= target
        {
            best = (.png, bytes, optimisedTag(.png, quality: nil))
        }
        guard let (format, bytes, tag) = best else {
            throw (firstFailure ?? .vips(.encodeFailed("no format to optimise"))).serviceError
        }
        timings.add(.now - start, to: .encode)
        let header = cachingHeader(of: .image(format), tag: tag, stage: .optimised)
        return .image(RenderedImage(body: ByteBuffer(bytes: bytes), header: header, timings: timings))
    }

    /// The original's own bytes, under a tag of their own (the same whatever the URL), when they
    /// are fewer than the render's and the render changed nothing the client can see: no `q` in
    /// the URL (a client asking for a quality gets that quality, and cannot make any original
    /// come back by asking for a high one), the same size and frames, no turn, crop, trim,
    /// padding or filter, upright, in a format the client takes (JPEG, PNG, GIF or WebP: HEIF
    /// sources may be HEIC, which browsers do not show). The bytes are served without the
    /// metadata a render strips (`PrivateMetadata`), and not at all when that cannot be done
    /// losslessly.
    private func original(
        ifSmallerThan renderedBytes: Int, header: ImageHeader, plan: ResizePlan, frames: Int, timings: StageTimings
    ) -> RenderOutcome? {
        guard encoding.servesOriginalIfSmaller, options.quality == nil, case .encoded(let source) = input,
            source.bytes.count < renderedBytes,
            plan.preparation == nil, plan.padding == nil, plan.finish == .none, filters.steps.isEmpty,
            (plan.resizedWidth, plan.resizedHeight) == (header.width, header.height), frames == header.frames,
            header.orientation == 1, let format = source.bytes.withUnsafeBytes(SourceSniffer.sniff)?.imageFormat,
            negotiated.accepts(format),
            let stripped = source.bytes.withUnsafeBytes({ PrivateMetadata.removed(from: $0, format: format) })
        else { return nil }
        let tag = originalTag(format)
        let variantHeader = cachingHeader(of: .image(format), tag: tag, stage: .final)
        if let ifNoneMatch, tag.isMatched(byIfNoneMatch: ifNoneMatch) {
            return .notModified(variantHeader)
        }
        return .image(RenderedImage(body: ByteBuffer(bytes: stripped), header: variantHeader, timings: timings))
    }

    /// Opens the source (through its transform module, if any) and refuses exotic band counts
    /// by its header; `run` refuses pixel bombs once it knows how many frames it will decode.
    private func open() throws(ImageServiceError) -> any OpenedSource {
        let opened: any OpenedSource =
            switch input {
            case .encoded(let source): try EncodedSource(source.bytes, acceptsTIFF: limits.acceptsTIFF)
            case .transformed(let session, _): try TransformedSource(session)
            }
        let header = opened.header
        guard header.bands <= 4 else { throw .source(.tooManyBands(header.bands)) }
        return opened
    }

    /// The geometry for this source, refused when the result, over its frames, would exceed
    /// the output limits.
    private func plan(for header: ImageHeader, frames: Int) throws(ImageServiceError) -> ResizePlan {
        let plan = try ImageServiceError.reporting { () throws(SourceError) in
            try ResizePlan(options: options, sourceWidth: header.width, sourceHeight: header.height, animated: frames > 1)
        }
        let (width, height) = (plan.outputWidth, plan.outputHeight)
        guard max(width, height) <= limits.maxOutputDimension else {
            throw .source(.outputTooLarge(width: width, height: height, limit: limits.maxOutputDimension))
        }
        guard width * height * frames <= limits.maxOutputPixels else {
            throw .source(.outputTooManyPixels(width: width, height: height, frames: frames, limit: limits.maxOutputPixels))
        }
        return plan
    }

    /// The tag of the variant rendered as `format`: source content, options, format and encoder
    /// settings.
    func renderedTag(_ format: VariantFormat) -> EntityTag {
        EntityTag(sourceDigest: sourceDigest, optionsKey: identity.request, format: format, encodingKey: encoding.cacheKey)
    }

    /// The tag of the variant encoded as `format` by the optimiser at `quality` with the
    /// optimised effort; with no quality, lossless WebP or a palette PNG (`paletteEffort`).
    func optimisedTag(_ format: ImageFormat, quality: Int?) -> EntityTag {
        let setting =
            switch (quality, format) {
            case (let quality?, _): "\(quality)/\(encoding.optimisedEffort[format] ?? 0)"
            case (nil, .png): "palette/\(Self.paletteEffort)"
            case (nil, _): "lossless/\(encoding.optimisedEffort[format] ?? 0)"
            }
        return EntityTag(
            sourceDigest: sourceDigest, optionsKey: identity.request, format: .image(format),
            encodingKey: "\(encoding.cacheKey)|optimised:\(setting)")
    }

    /// The tag of the original's own bytes, served as they are in `format`: the same whatever the
    /// URL.
    func originalTag(_ format: ImageFormat) -> EntityTag {
        EntityTag(sourceDigest: sourceDigest, optionsKey: "original-without-metadata", format: .image(format), encodingKey: "")
    }

    /// The caching header of a variant rendered now as `format` under `tag`, at `stage`.
    private func cachingHeader(of format: VariantFormat, tag: EntityTag, stage: VariantStage) -> VariantHeader {
        VariantHeader(
            format: format, entityTag: tag.description, lastModified: input.lastModified, renderedAt: VariantHeader.currentTime,
            stage: stage)
    }

    /// Decodes with shrink-on-load, applies the plan's finish and the filters, flattens alpha
    /// for formats without it, and computes the pixels into memory. The time in strip filters'
    /// modules is the filters stage's, the rest the decode's.
    private func decodeAndResize(
        _ opened: any OpenedSource, plan: ResizePlan, frames: Int, flatten: Bool, timings: inout StageTimings
    ) throws(ImageServiceError) -> Image {
        let start = ContinuousClock.now
        var filterStage = FilterStage(registry: filters.registry, budget: budget)
        defer {
            timings.add(ContinuousClock.now - start - filterStage.moduleTime, to: .decode)
            if filterStage.moduleTime > .zero {
                timings.add(filterStage.moduleTime, to: .filters)
            }
        }
        let resized = try ImageServiceError.reporting { () throws(VipsError) in try resize(opened, plan: plan, frames: frames) }
        let filtered = try filterStage.apply(filters.steps, to: resized)
        do {
            return try finished(filtered, flatten: flatten)
        } catch {
            throw .vips(error)
        }
    }

    /// Decodes with shrink-on-load, prepared when the plan says so, and applies the plan's crop
    /// or letterbox, then its padding.
    private func resize(_ opened: any OpenedSource, plan: ResizePlan, frames: Int) throws(VipsError) -> Image {
        var plan = plan
        var image: Image
        if let preparation = plan.preparation {
            image = try prepare(opened, preparation, plan: &plan, frames: frames).resized(plan.thumbnail)
        } else {
            var request = plan.thumbnail
            request.frames = frames
            image = try opened.thumbnail(request, budget: budget)
        }
        image = try plan.finish.applied(to: image, background: options.background.rgbaComponents)
        guard let padding = plan.padding else { return image }
        return try image.padded(
            edges: [padding.top, padding.right, padding.bottom, padding.left], background: options.background.rgbaComponents)
    }

    /// The source decoded at 1/`shrink` of its size, its region cut out and computed into
    /// memory (turning reads pixels out of order, and only the region is kept), turned and
    /// mirrored, then trimmed; `plan` then resizes from the trimmed size.
    private func prepare(
        _ opened: any OpenedSource, _ preparation: ResizePlan.Preparation, plan: inout ResizePlan, frames: Int
    ) throws(VipsError) -> Image {
        let (sourceWidth, sourceHeight) = (opened.header.width, opened.header.height)
        let shrink = preparation.shrink
        let request = ThumbnailRequest(
            width: (sourceWidth + shrink - 1) / shrink, height: (sourceHeight + shrink - 1) / shrink, frames: frames)
        let decoded = try opened.thumbnail(request, budget: budget)
        let region = preparation.region.scaled(
            from: (sourceWidth, sourceHeight), to: (decoded.width, decoded.frameHeight))
        var image = try decoded.extracted(left: region.left, top: region.top, width: region.width, height: region.height)
            .materialized()
        if preparation.rotation != .none || preparation.flip != nil {
            image = try image.oriented(
                turningClockwise: preparation.rotation.rawValue,
                mirroringHorizontally: preparation.flip?.mirrorsHorizontally == true,
                mirroringVertically: preparation.flip?.mirrorsVertically == true)
        }
        guard let threshold = preparation.trimThreshold else { return image }
        let box = try image.contentBox(threshold: threshold)
        plan = plan.trimmed(toWidth: box.width, height: box.height, options: options, animated: frames > 1)
        return try image.extracted(left: box.left, top: box.top, width: box.width, height: box.height)
    }

    /// A 5 × 5 Gaussian (binomial) kernel, the outer product of 1 4 6 4 1: a placeholder's blur.
    private static let placeholderBlur = [1.0, 4, 6, 4, 1].flatMap { row in [1.0, 4, 6, 4, 1].map { row * $0 } }

    /// Blurs a placeholder, flattens alpha onto the background for formats without it, and
    /// computes the pixels.
    private func finished(_ image: consuming Image, flatten: Bool) throws(VipsError) -> Image {
        var image = image
        if options.isPlaceholder {
            image = try image.convolved(size: 5, scale: 256, weights: Self.placeholderBlur)
        }
        if flatten && image.hasAlpha {
            return try image.flattened(onto: Array(options.background.rgbaComponents.prefix(3))).materialized()
        }
        return try image.materialized()
    }
}

extension RGBColor {
    /// Red, green, blue, alpha as libvips wants them: each 0–255.
    fileprivate var rgbaComponents: [Double] {
        [Double(red), Double(green), Double(blue), Double(alpha)]
    }
}
