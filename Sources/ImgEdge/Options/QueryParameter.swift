/// An option the query parser understands, whichever of its URL names it was given under.
enum QueryParameter: Hashable {
    case width, height, dpr, fit, gravity, quality, format, enlarge, background

    /// The option `name` stands for, or nil if it is none: `w`/`width`, `h`/`height`, `dpr`,
    /// `fit`, `gravity`, `q`/`quality`, `format`/`fm`, `enlarge`, `bg`/`background`.
    /// Names are case-sensitive.
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
        default: return nil
        }
    }
}
