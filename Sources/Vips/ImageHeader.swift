internal import CVipsShim

/// What an encoded image declares about itself, read without decoding its pixels.
///
/// Reading the header first lets the service refuse a pixel bomb (a small file that declares a
/// huge image) before any memory is spent on decoding it.
public struct ImageHeader: Sendable, Hashable {
    /// Width of one frame as displayed, after EXIF orientation.
    public var width: Int
    /// Height of one frame as displayed, after EXIF orientation.
    public var height: Int
    /// Frames in the file; 1 for still images.
    public var frames: Int
    /// Whether the image has an alpha channel.
    public var hasAlpha: Bool
    /// Bands (channels) as stored, alpha included: 1 grey, 3 RGB, 4 RGBA or CMYK, more in
    /// exotic TIFFs.
    public var bands: Int
    /// The EXIF orientation, 1–8.
    public var orientation: Int
    /// libvips' loader, e.g. `jpegload_buffer`.
    public var loader: String

    /// - Parameter bands: the stored bands; by default 4 with alpha, else 3.
    public init(width: Int, height: Int, frames: Int, hasAlpha: Bool, bands: Int? = nil, orientation: Int, loader: String) {
        self.width = width
        self.height = height
        self.frames = frames
        self.hasAlpha = hasAlpha
        self.bands = bands ?? (hasAlpha ? 4 : 3)
        self.orientation = orientation
        self.loader = loader
    }

    /// Pixels in one frame.
    public var pixelCount: Int {
        width * height
    }

    /// Reads the header of `source`.
    /// - Throws: `VipsError.unreadableHeader` when libvips cannot read it.
    public init(reading source: SourceBytes) throws(VipsError) {
        var header = imgedge_vips_header()
        let status = source.withUnsafeBytes { bytes in
            imgedge_vips_read_header(bytes.baseAddress, bytes.count, &header)
        }
        guard status == 0 else {
            throw .unreadableHeader(Libvips.takeErrorText())
        }
        let loader = withUnsafeBytes(of: header.loader) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        // Orientations 5–8 turn the image a quarter, so the displayed sides swap.
        let turned = header.orientation >= 5
        self.init(
            width: Int(turned ? header.height : header.width),
            height: Int(turned ? header.width : header.height),
            frames: Int(header.pages),
            hasAlpha: header.has_alpha != 0,
            bands: Int(header.bands),
            orientation: Int(header.orientation),
            loader: loader
        )
    }
}
