internal import CVipsShim

/// A decoded libvips image, owned: it holds exactly one reference and releases it in `deinit`.
///
/// `~Copyable`, so the reference can be neither duplicated nor released twice; each transform
/// consumes its input and returns a new owner (libvips keeps the pipeline's intermediates alive
/// through its own references). libvips images are lazy: no pixel is computed until `encoded`
/// runs the whole pipeline, which is why every step of one job, decode to encode, must run on
/// one thread. Not `Sendable` for the same reason.
public struct Image: ~Copyable {
    /// The one reference this value owns.
    let pointer: UnsafeMutablePointer<CVipsShim.VipsImage>
    /// The encoded bytes libvips reads from lazily; kept alive as long as the image.
    let source: SourceBytes
    /// What the job may spend computing this image and those derived from it; nil: no bound.
    let budget: EvaluationBudget?

    init(taking pointer: UnsafeMutablePointer<CVipsShim.VipsImage>, source: SourceBytes, budget: EvaluationBudget?) {
        self.pointer = pointer
        self.source = source
        self.budget = budget
    }

    deinit {
        imgedge_vips_unref(pointer)
    }

    /// Width in pixels.
    public var width: Int {
        Int(vips_image_get_width(pointer))
    }

    /// Height of one frame in pixels.
    public var frameHeight: Int {
        Int(vips_image_get_page_height(pointer))
    }

    /// Frames stacked in the image; 1 for still images.
    public var frames: Int {
        Int(imgedge_vips_page_count(pointer))
    }

    /// Whether the image has an alpha channel.
    public var hasAlpha: Bool {
        vips_image_hasalpha(pointer) != 0
    }

    /// Decodes `source` with shrink-on-load, turns it upright by its EXIF orientation, converts
    /// it to 8-bit sRGB (alpha kept) and resizes it as `request` says.
    /// - Parameter budget: bounds the computing of this image and every image derived from it.
    /// - Throws: `VipsError.decodeFailed` when the data is corrupt or truncated.
    public static func thumbnail(
        of source: SourceBytes, _ request: ThumbnailRequest, budget: EvaluationBudget? = nil
    ) throws(VipsError) -> Image {
        var options = request.shimOptions
        var out: UnsafeMutablePointer<CVipsShim.VipsImage>?
        let status = source.withUnsafeBytes { bytes in
            imgedge_vips_thumbnail(bytes.baseAddress, bytes.count, &options, &out)
        }
        guard status == 0, let out else {
            throw .decodeFailed(Libvips.takeErrorText())
        }
        return Image(taking: out, source: source, budget: budget)
    }

    /// Resizes an image already decoded to 8-bit sRGB pixels (rows packed `width * bands` bytes
    /// apart), as `thumbnail(of:_:)` does for encoded sources.
    /// - Throws: `VipsError.decodeFailed` when the pixels do not make an image of that shape.
    public static func thumbnail(
        ofPixels pixels: SourceBytes, width: Int, height: Int, bands: Int, _ request: ThumbnailRequest,
        budget: EvaluationBudget? = nil
    ) throws(VipsError) -> Image {
        var options = request.shimOptions
        options.frames = 1
        var out: UnsafeMutablePointer<CVipsShim.VipsImage>?
        let status = pixels.withUnsafeBytes { bytes in
            imgedge_vips_thumbnail_pixels(
                bytes.baseAddress, bytes.count, Int32(width), Int32(height), Int32(bands), &options, &out)
        }
        guard status == 0, let out else {
            throw .decodeFailed(Libvips.takeErrorText())
        }
        return Image(taking: out, source: pixels, budget: budget)
    }

    /// Blends the alpha channel onto an opaque `background`; images without alpha are unchanged.
    /// - Parameter background: red, green, blue, each 0–255.
    public consuming func flattened(onto background: [Double]) throws(VipsError) -> Image {
        precondition(background.count == 3, "background is red, green, blue")
        return try transformed { input, out in
            background.withUnsafeBufferPointer { imgedge_vips_flatten(input, $0.baseAddress, &out) }
        }
    }

    /// Computes every pixel into memory: with libvips' laziness, this is where decoding and
    /// resizing happen. Encoding the result then costs only the encoder.
    /// - Throws: `VipsError.stopped` when the budget runs out, else `VipsError.decodeFailed`:
    ///   any other failure here comes from the source's data.
    public consuming func materialized() throws(VipsError) -> Image {
        var out: UnsafeMutablePointer<CVipsShim.VipsImage>?
        budget?.watch(pointer)
        guard imgedge_vips_materialize(pointer, &out) == 0, let out else {
            throw stoppedOr(.decodeFailed(Libvips.takeErrorText()))
        }
        return Image(taking: out, source: source, budget: budget)
    }

    /// `.stopped` when the budget is what ended an evaluation, else `failure`.
    func stoppedOr(_ failure: VipsError) -> VipsError {
        budget?.isSpent == true ? .stopped : failure
    }

    /// Runs the pipeline and encodes the result, all metadata stripped.
    ///
    /// Call `materialized()` first: a lazy pipeline reads its source sequentially, so it can be
    /// encoded only once, and its decoding failures would surface here as `.encodeFailed`.
    /// - Parameters:
    ///   - quality: 1–100 (ignored by PNG and GIF).
    ///   - effort: the encoder's CPU effort in its own range (ignored by PNG; JPEG: 0 baseline, 1 and up progressive).
    ///   - lossless: WebP only: the exact pixels, `quality` ignored.
    ///   - palette: PNG only: at most 256 colours, chosen by libimagequant (so not lossless),
    ///     `effort` its own 1–10.
    /// - Throws: `VipsError.encodeFailed`, or `.stopped` when the budget runs out, or at once
    ///   when an encoder the budget cannot stop could not finish in its time left (`EncoderCost`).
    public func encoded(
        as format: ImageFormat, quality: Int, effort: Int, lossless: Bool = false, palette: Bool = false
    ) throws(VipsError) -> [UInt8] {
        if let budget, !budget.canFinishEncoding(format, effort: effort, pixels: width * frameHeight * frames) {
            throw .stopped
        }
        var options = imgedge_vips_save_options(
            format: format.shimFormat, quality: Int32(quality), effort: Int32(effort), lossless: lossless ? 1 : 0,
            palette: palette ? 1 : 0)
        var data: UnsafeMutableRawPointer?
        var length = 0
        budget?.watch(pointer)
        guard imgedge_vips_save(pointer, &options, &data, &length) == 0, let data else {
            throw stoppedOr(.encodeFailed(Libvips.takeErrorText()))
        }
        defer { imgedge_vips_free(data) }
        return Array(UnsafeRawBufferPointer(start: data, count: length))
    }

    /// Applies one shim call that borrows this image and returns a new reference.
    consuming func transformed(
        _ call: (UnsafeMutablePointer<CVipsShim.VipsImage>, inout UnsafeMutablePointer<CVipsShim.VipsImage>?) -> Int32
    ) throws(VipsError) -> Image {
        var out: UnsafeMutablePointer<CVipsShim.VipsImage>?
        guard call(pointer, &out) == 0, let out else {
            throw .transformFailed(Libvips.takeErrorText())
        }
        return Image(taking: out, source: source, budget: budget)
    }
}

extension ThumbnailRequest {
    /// The request as the shim's options struct.
    var shimOptions: imgedge_vips_thumbnail_options {
        imgedge_vips_thumbnail_options(
            width: Int32(width ?? Int(VIPS_MAX_COORD)),
            height: Int32(height ?? Int(VIPS_MAX_COORD)),
            size: scaling.vipsSize,
            crop: crop.vipsInteresting,
            frames: Int32(frames)
        )
    }
}

extension ThumbnailRequest.Scaling {
    fileprivate var vipsSize: VipsSize {
        switch self {
        case .shrinkOnly: VIPS_SIZE_DOWN
        case .shrinkOrEnlarge: VIPS_SIZE_BOTH
        case .stretch: VIPS_SIZE_FORCE
        }
    }
}

extension Optional where Wrapped == ThumbnailRequest.SmartCrop {
    fileprivate var vipsInteresting: VipsInteresting {
        switch self {
        case .none: VIPS_INTERESTING_NONE
        case .centre: VIPS_INTERESTING_CENTRE
        case .attention: VIPS_INTERESTING_ATTENTION
        case .entropy: VIPS_INTERESTING_ENTROPY
        }
    }
}

extension ImageFormat {
    fileprivate var shimFormat: imgedge_format {
        switch self {
        case .jpeg: IMGEDGE_FORMAT_JPEG
        case .png: IMGEDGE_FORMAT_PNG
        case .webp: IMGEDGE_FORMAT_WEBP
        case .avif: IMGEDGE_FORMAT_AVIF
        case .gif: IMGEDGE_FORMAT_GIF
        case .jxl: IMGEDGE_FORMAT_JXL
        }
    }
}
