/// Which part of the image to keep when ``Fit/cover`` crops (`gravity=` in URLs; the raw value
/// is the URL spelling, and URLs may also say `center`).
enum Gravity: String, Sendable, Hashable, CaseIterable, Codable {
    /// Keep the middle.
    case centre
    /// Keep the top edge.
    case north
    /// Keep the top-right corner.
    case northeast
    /// Keep the right edge.
    case east
    /// Keep the bottom-right corner.
    case southeast
    /// Keep the bottom edge.
    case south
    /// Keep the bottom-left corner.
    case southwest
    /// Keep the left edge.
    case west
    /// Keep the top-left corner.
    case northwest
    /// Smart crop: keep the region most likely to draw the eye (skin tones, saturation, edges).
    case attention
    /// Smart crop: keep the region with the most detail (highest entropy).
    case entropy
}
