/// How `Image.thumbnail` decodes and shrinks a source.
///
/// libvips' thumbnail path picks a shrink-on-load factor from the box (JPEG decodes at 1/2,
/// 1/4 or 1/8 scale, WebP at any scale), then finishes with a good reduce kernel: far cheaper
/// than decoding at full size and resizing.
public struct ThumbnailRequest: Sendable, Hashable {
    /// How the box bounds the result.
    public enum Scaling: Sendable, Hashable {
        /// Fit within the box, never enlarging.
        case shrinkOnly
        /// Fit within the box, enlarging if needed.
        case shrinkOrEnlarge
        /// Stretch to exactly the box, ignoring the aspect ratio.
        case stretch
    }

    /// A crop to exactly the box, chosen by libvips after shrinking to cover it.
    public enum SmartCrop: Sendable, Hashable {
        /// The centre of the image.
        case centre
        /// The region a viewer's eye is drawn to (skin tones, saturation, edges).
        case attention
        /// The region with the most entropy (detail).
        case entropy
    }

    /// The box width in pixels; nil for unbounded.
    public var width: Int?
    /// The box height in pixels; nil for unbounded.
    public var height: Int?
    public var scaling: Scaling
    /// nil to keep the aspect ratio within the box.
    public var crop: SmartCrop?
    /// Frames to decode from an animated source; 1 decodes the first only.
    public var frames: Int

    public init(width: Int?, height: Int?, scaling: Scaling = .shrinkOnly, crop: SmartCrop? = nil, frames: Int = 1) {
        self.width = width
        self.height = height
        self.scaling = scaling
        self.crop = crop
        self.frames = frames
    }
}

/// Which part of a frame a crop keeps.
public enum CompassDirection: Sendable, Hashable, CaseIterable {
    case centre, north, northEast, east, southEast, south, southWest, west, northWest
}
