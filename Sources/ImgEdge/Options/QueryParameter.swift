/// An option the query parser understands, whichever of its URL names it was given under.
enum QueryParameter: Hashable {
    case width, height, dpr, fit, gravity, quality, format, enlarge, background
    case rotate, flip, crop, focalPoint, trim, pad

    /// The option `name` stands for, or nil if it is none: `w`/`width`, `h`/`height`, `dpr`,
    /// `fit`, `gravity`, `q`/`quality`, `format`/`fm`, `enlarge`, `bg`/`background`, `rotate`,
    /// `flip`, `crop`, `fp`, `trim`, `pad`. Names are case-sensitive.
    init?(name: String) {
        switch name {
        case "w", "width": self = .width
        case "h", "height": self = .height
        case "dpr": self = .dpr
        case "fit": self = .fit
        case "gravity": self = .gravity
        case "q", "quality": self = .quality
        case "format", "fm": self = .format
        case "enlarge": self = .enlarge
        case "bg", "background": self = .background
        case "rotate": self = .rotate
        case "flip": self = .flip
        case "crop": self = .crop
        case "fp": self = .focalPoint
        case "trim": self = .trim
        case "pad": self = .pad
        default: return nil
        }
    }
}
