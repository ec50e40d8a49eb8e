import Crypto
import Vips

/// One request's libvips work, run start to finish on one worker thread.
///
/// Reads in the pipeline's order: sniff → header → limits → format → tag (304?) → plan →
/// decode and resize → encode. libvips is lazy and its per-thread state must be released on
/// the thread that used it, so nothing here may hop threads.
struct RenderJob: Sendable {
    var source: SourceImage
    var options: ProcessingOptions
    var negotiated: NegotiatedFormat
    var ifNoneMatch: String?
    var limits: SourceLimits
    var encoding: EncodingSettings
    var timings: StageTimings

    func run() throws(ImageServiceError) -> RenderOutcome {
        defer { Libvips.endJob() }
        var timings = timings
        let header = try timings.measure(.decode) { () throws(ImageServiceError) in try readHeader() }
        let format = negotiated.format(hasAlpha: header.hasAlpha, isAnimated: header.frames > 1)
        let tag = entityTag(format: format)
        let validators = RenderedImage.Validators(entityTag: tag.description, lastModified: source.lastModified)
        if let ifNoneMatch, tag.isMatched(byIfNoneMatch: ifNoneMatch) {
            return .notModified(validators)
        }
        let frames = format.canAnimate ? min(header.frames, limits.maxAnimationFrames) : 1
        let plan = try plan(for: header, animated: frames > 1)
        let image = try timings.measure(.decode) { () throws(ImageServiceError) in
            try decodeAndResize(plan: plan, frames: frames, flatten: !format.supportsAlpha)
        }
        let bytes = try timings.measure(.encode) { () throws(ImageServiceError) in
            do throws(VipsError) {
                return try image.encoded(
                    as: format,
                    quality: encoding.quality(for: format, requested: options.quality),
                    effort: encoding.effort(for: format)
                )
            } catch {
                throw .vips(error)
            }
        }
        return .image(RenderedImage(bytes: bytes, format: format, validators: validators, timings: timings))
    }

    /// Checks the magic bytes and reads the header, refusing pixel bombs before decoding.
    private func readHeader() throws(ImageServiceError) -> ImageHeader {
        guard source.bytes.withUnsafeBytes(SourceSniffer.sniff) != nil else {
            throw .source(.unsupportedFormat)
        }
        let header: ImageHeader
        do {
            header = try ImageHeader(reading: source.bytes)
        } catch {
            throw .vips(error)
        }
        guard header.pixelCount <= limits.maxInputPixels else {
            throw .source(.tooManyPixels(width: header.width, height: header.height, limit: limits.maxInputPixels))
        }
        return header
    }

    /// The geometry for this source, refused when the result would exceed the output limit.
    private func plan(for header: ImageHeader, animated: Bool) throws(ImageServiceError) -> ResizePlan {
        let plan = ResizePlan(options: options, sourceWidth: header.width, sourceHeight: header.height, animated: animated)
        guard max(plan.outputWidth, plan.outputHeight) <= limits.maxOutputDimension else {
            throw .source(.outputTooLarge(width: plan.outputWidth, height: plan.outputHeight, limit: limits.maxOutputDimension))
        }
        return plan
    }

    /// The tag of the variant: source content, options, format and encoder settings.
    private func entityTag(format: ImageFormat) -> EntityTag {
        let digest = source.bytes.withUnsafeBytes { SHA256.hash(data: $0) }
        return EntityTag(sourceDigest: digest, optionsKey: options.cacheKey, format: format, encodingKey: encoding.cacheKey)
    }

    /// Decodes with shrink-on-load, applies the plan's finish, flattens alpha for formats
    /// without it, and computes the pixels into memory.
    private func decodeAndResize(plan: ResizePlan, frames: Int, flatten: Bool) throws(ImageServiceError) -> Image {
        var request = plan.thumbnail
        request.frames = frames
        let background = options.background
        do {
            var image = try Image.thumbnail(of: source.bytes, request)
            switch plan.finish {
            case .none:
                break
            case .crop(let width, let height, let direction):
                image = try image.cropped(width: width, height: height, keeping: direction)
            case .letterbox(let width, let height):
                image = try image.letterboxed(width: width, height: height, background: background.rgbaComponents)
            }
            if flatten && image.hasAlpha {
                image = try image.flattened(onto: Array(background.rgbaComponents.prefix(3)))
            }
            return try image.materialized()
        } catch {
            throw .vips(error)
        }
    }
}

extension RGBColor {
    /// Red, green, blue, alpha as libvips wants them: each 0–255.
    fileprivate var rgbaComponents: [Double] {
        [Double(red), Double(green), Double(blue), Double(alpha)]
    }
}
