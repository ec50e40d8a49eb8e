public import Vips

/// What a request asks imgedge to do to an image: size, fit, crop, encoding and background.
///
/// Sizes are in output pixels, `dpr` already applied. Options parsed by
/// ``init(query:maxOutputDimension:passthroughNames:)`` are validated; the memberwise
/// initializer trusts its caller.
public struct ProcessingOptions: Sendable, Hashable {
    /// Output width in pixels (CSS width × dpr), or nil to follow the aspect ratio or the source.
    public var width: Int?
    /// Output height in pixels (CSS height × dpr), or nil to follow the aspect ratio or the source.
    public var height: Int?
    public var fit: Fit
    /// Where ``Fit/cover`` crops; carried for every fit but only meaningful for cover.
    public var gravity: Gravity
    /// Encoder quality 1–100, or nil for the output format's own default.
    public var quality: Int?
    /// The output format, or nil (`format=auto`) to negotiate it from `Accept`.
    public var format: ImageFormat?
    /// Whether ``Fit/inside`` may scale the image up; otherwise it only ever shrinks.
    public var enlarge: Bool
    /// Letterbox colour for ``Fit/contain``, and what alpha is flattened onto for formats without alpha.
    public var background: RGBColor
    /// Raw values of the parameters the parser was told to pass through (`filter`, `sig`), by name.
    public var passthrough: [String: String]

    public init(
        width: Int? = nil,
        height: Int? = nil,
        fit: Fit = .inside,
        gravity: Gravity = .centre,
        quality: Int? = nil,
        format: ImageFormat? = nil,
        enlarge: Bool = false,
        background: RGBColor = .white,
        passthrough: [String: String] = [:]
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
    }

    /// A canonical string of everything here that affects the output, for cache keys and ETags.
    ///
    /// Format: `v1:` and then `name=value` pairs joined by `&`, always in this order:
    /// - `w`, `h`: pixel sizes (dpr applied); each left out when nil,
    /// - `fit`, `gravity`: raw values (`centre`, never `center`),
    /// - `q`: left out when nil,
    /// - `fm`: the format's raw value, or `auto` when nil,
    /// - `enlarge`: `0` or `1`,
    /// - `bg`: ``RGBColor/hex``, eight lowercase digits.
    ///
    /// For example `v1:w=800&fit=cover&gravity=centre&q=75&fm=webp&enlarge=0&bg=ffffffff`.
    /// Queries that mean the same options give the same key however they are spelt or ordered
    /// (`w=400&dpr=2` and `width=800&fit=inside`); different options give different keys. Nothing
    /// is normalised away: gravity stays in the key even when the fit ignores it. Bump `v1` if
    /// the meaning of any option changes.
    ///
    /// Not included, so callers must add them when they matter: the negotiated format when
    /// `fm=auto`, and ``passthrough`` values that change the output.
    public var cacheKey: String {
        var pairs: [String] = []
        if let width { pairs.append("w=\(width)") }
        if let height { pairs.append("h=\(height)") }
        pairs.append("fit=\(fit.rawValue)")
        pairs.append("gravity=\(gravity.rawValue)")
        if let quality { pairs.append("q=\(quality)") }
        pairs.append("fm=\(format?.rawValue ?? "auto")")
        pairs.append("enlarge=\(enlarge ? 1 : 0)")
        pairs.append("bg=\(background.hex)")
        return "v1:" + pairs.joined(separator: "&")
    }
}
