/// A clockwise turn of the picture as shown (`rotate=`), applied after its EXIF orientation.
/// The raw value is the angle in degrees, as URLs write it.
enum Rotation: Int, Sendable, Hashable, CaseIterable, Codable {
    case none = 0
    case quarter = 90
    case half = 180
    case threeQuarters = 270

    /// Whether the turn swaps width and height.
    var swapsSides: Bool {
        self == .quarter || self == .threeQuarters
    }
}
