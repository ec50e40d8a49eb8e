/// How an image is sized into the requested box (`fit=` in URLs; the raw value is the URL spelling).
///
/// When only one of width and height is given, the other follows from the aspect ratio and every
/// fit behaves like ``inside``.
enum Fit: String, Sendable, Hashable, CaseIterable, Codable {
    /// Scale to fit within the box, keeping the aspect ratio; never enlarge unless `enlarge=1`.
    case inside
    /// Scale to fill the box, keeping the aspect ratio, then crop the overflow around ``Gravity``.
    case cover
    /// Scale to fit within the box like ``inside``, then letterbox to exactly the box with the background colour.
    case contain
    /// Stretch to exactly the box, ignoring the aspect ratio.
    case fill
    /// Scale so the image covers the box, keeping the aspect ratio, without cropping.
    case outside
}
