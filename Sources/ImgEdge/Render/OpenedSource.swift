import Filters
import Vips

/// A source whose header is known, so limits, format and geometry are decided before any pixel
/// is decoded.
///
/// Two kinds: `EncodedSource`, an image format libvips reads, and `TransformedSource`, a body a
/// transform module decoded to pixels.
protocol OpenedSource {
    var header: ImageHeader { get }
    /// Decodes (or takes the decoded pixels) and resizes as `request` says, within `budget`.
    func thumbnail(_ request: ThumbnailRequest, budget: EvaluationBudget) throws(VipsError) -> Image
}

/// An encoded image: judged by its magic bytes, its header read by libvips.
struct EncodedSource: OpenedSource {
    let bytes: SourceBytes
    let header: ImageHeader

    /// - Throws: `.source(.unsupportedFormat)` for anything but the accepted formats (TIFF
    ///   only when `acceptsTIFF`), `.source(.corruptChunks)` for a PNG whose chunks claim more
    ///   bytes than it holds, `.vips(.unreadableHeader)` when libvips cannot read the header.
    init(_ bytes: SourceBytes, acceptsTIFF: Bool) throws(ImageServiceError) {
        let kind = bytes.withUnsafeBytes(SourceSniffer.sniff)
        guard let kind, kind != .tiff || acceptsTIFF else {
            throw .source(.unsupportedFormat)
        }
        if kind == .png, !bytes.withUnsafeBytes(PNGChunks.fitInFile) {
            throw .source(.corruptChunks)
        }
        self.bytes = bytes
        header = try ImageServiceError.reporting { () throws(VipsError) in try ImageHeader(reading: bytes) }
    }

    func thumbnail(_ request: ThumbnailRequest, budget: EvaluationBudget) throws(VipsError) -> Image {
        try Image.thumbnail(of: bytes, request, budget: budget)
    }
}

/// A request body a transform module read as it arrived, and now decodes to pixels.
struct TransformedSource: OpenedSource {
    let pixels: SourceBytes
    let header: ImageHeader
    /// 3 (RGB) or 4 (RGBA).
    private let bands: Int

    /// Finishes the transform and takes the pixels it decoded.
    /// - Throws: `.filter` when the module rejects the body or fails.
    init(_ session: TransformSession) throws(ImageServiceError) {
        let raster = try ImageServiceError.reporting { () throws(FilterError) in try session.finish() }
        pixels = SourceBytes(raster.pixels)
        header = ImageHeader(
            width: raster.width, height: raster.height, frames: 1, hasAlpha: raster.bands == 4, orientation: 1,
            loader: "transform:\(session.module.name)")
        bands = raster.bands
    }

    func thumbnail(_ request: ThumbnailRequest, budget: EvaluationBudget) throws(VipsError) -> Image {
        try Image.thumbnail(ofPixels: pixels, width: header.width, height: header.height, bands: bands, request, budget: budget)
    }
}
