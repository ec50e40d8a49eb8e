/// A mirroring of the picture (`flip=`), applied after ``Rotation``. The raw value is the URL
/// spelling.
enum Flip: String, Sendable, Hashable, CaseIterable, Codable {
    /// Left and right swap.
    case horizontal = "h"
    /// Top and bottom swap.
    case vertical = "v"
    /// Both: the same picture as a half turn.
    case both = "hv"

    var mirrorsHorizontally: Bool { self != .vertical }
    var mirrorsVertically: Bool { self != .horizontal }
}
