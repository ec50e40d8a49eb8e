import Foundation
import Vips

/// What a request asks imgedge to do to an image: orientation, crop and trim, size, fit,
/// padding, encoding and background.
///
/// Sizes and padding are in output pixels, `dpr` already applied; crops in source pixels. Options parsed by
/// ``init(query:maxOutputDimension:passthroughNames:)`` are validated; the memberwise
/// initializer trusts its caller.
struct ProcessingOptions: Sendable, Hashable, Codable {
    /// Output width in pixels (CSS width × dpr), or nil to follow the aspect ratio or the source.
    var width: Int?
    /// Output height in pixels (CSS height × dpr), or nil to follow the aspect ratio or the source.
    var height: Int?
    var fit: Fit
    /// Where ``Fit/cover`` crops; carried for every fit but only meaningful for cover.
    var gravity: Gravity
    /// Encoder quality 1–100, or nil for the output format's own default.
    var quality: Int?
    /// The output format, or nil (`format=auto`) to negotiate it from `Accept`.
    var format: ImageFormat?
    /// Whether ``Fit/inside`` may scale the image up; otherwise it only ever shrinks.
    var enlarge: Bool
    /// Letterbox colour for ``Fit/contain``, and what alpha is flattened onto for formats without alpha.
    var background: RGBColor
    /// Raw values of the parameters the parser was told to pass through (`filter`, `sig`), by name.
    var passthrough: [String: String]
    /// The turn after EXIF orientation.
    var rotation: Rotation
    /// The mirroring after ``rotation``, if any.
    var flip: Flip?
    /// The part of the turned picture to keep, before the resize.
    var crop: CropRegion?
    /// With a threshold (0–255), a border of the first pixel's colour is cut off after the crop.
    var trimThreshold: Int?
    /// The point ``Fit/cover`` keeps in view, instead of ``gravity``.
    var focalPoint: FocalPoint?
    /// A border around the resized picture, in ``background``.
    var padding: Padding?
    /// Whether the client asked to save data (`Save-Data: on`), which lowers the default quality.
    var savesData: Bool
    /// The image, or an answer about it; a placeholder (`format=lqip`) is a still, blurred, at
    /// most ``placeholderSide`` pixels a side, in WebP or else JPEG (PNG with alpha).
    var answer: Answer

    /// Whether the answer is a placeholder.
    var isPlaceholder: Bool { answer == .placeholder }

    /// The longest side of a placeholder.
    static let placeholderSide = 32
    /// A placeholder's quality unless the URL sets `q`.
    static let placeholderQuality = 50

    init(
        width: Int? = nil,
        height: Int? = nil,
        fit: Fit = .inside,
        gravity: Gravity = .centre,
        quality: Int? = nil,
        format: ImageFormat? = nil,
        enlarge: Bool = false,
        background: RGBColor = .white,
        passthrough: [String: String] = [:],
        rotation: Rotation = .none,
        flip: Flip? = nil,
        crop: CropRegion? = nil,
        trimThreshold: Int? = nil,
        focalPoint: FocalPoint? = nil,
        padding: Padding? = nil,
        savesData: Bool = false,
        answer: Answer = .image
    ) {
        self.width = width
        self.height = height
        self.fit = fit
        self.gravity = gravity
        self.quality = quality
        self.format = format
        self.enlarge = enlarge
        self.background = background
        self.passthrough = passthrough
        self.rotation = rotation
        self.flip = flip
        self.crop = crop
        self.trimThreshold = trimThreshold
        self.focalPoint = focalPoint
        self.padding = padding
        self.savesData = savesData
        self.answer = answer
    }

    /// A canonical string of everything here that affects the output, for cache keys and ETags:
    /// `v2:` and the options as JSON with sorted keys (absent options left out), written by the
    /// synthesized `Encodable`, so every stored option is part of it without anyone listing it.
    ///
    /// Queries that mean the same options give the same key however they are spelt or ordered
    /// (`w=400&dpr=2` and `width=800&fit=inside`); different options give different keys.
    /// ``passthrough`` is left out: its `filter` is keyed as the resolved chain, and its `sig`
    /// decides nothing. An answer about the source (`json`, `thumbhash`, see
    /// ``Answer/describesSource``) is computed from the source alone, so it is keyed on the answer
    /// and the defaults, whatever else the URL sets: one source has one such entry, not one per
    /// size or quality asked. Nothing else is normalised away here: gravity stays in the key even
    /// when the fit ignores it. Bump `v2` if the meaning of any option changes.
    ///
    /// Not included, so callers must add them when they matter: the negotiated format when
    /// `fm=auto`, and the filter chain.
    var cacheKey: String {
        var keyed = answer.describesSource ? ProcessingOptions(answer: answer) : self
        keyed.passthrough = [:]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain values and enums into JSON cannot fail.
        let json = (try? encoder.encode(keyed)) ?? Data()
        return "v2:" + String(decoding: json, as: UTF8.self)
    }
}
