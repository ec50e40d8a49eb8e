/// A border added around the resized picture (`pad=`), in output pixels (CSS pixels × dpr),
/// in the colour `bg` names.
struct Padding: Sendable, Hashable, Codable {
    var top: Int
    var right: Int
    var bottom: Int
    var left: Int

    init(top: Int, right: Int, bottom: Int, left: Int) {
        self.top = top
        self.right = right
        self.bottom = bottom
        self.left = left
    }

    /// From one to four lengths, as CSS reads them: all sides; top and bottom, then right and
    /// left; top, right and left, bottom; top, right, bottom, left. Nil for any other count.
    init?(css lengths: [Int]) {
        switch lengths.count {
        case 1: self.init(top: lengths[0], right: lengths[0], bottom: lengths[0], left: lengths[0])
        case 2: self.init(top: lengths[0], right: lengths[1], bottom: lengths[0], left: lengths[1])
        case 3: self.init(top: lengths[0], right: lengths[1], bottom: lengths[2], left: lengths[1])
        case 4: self.init(top: lengths[0], right: lengths[1], bottom: lengths[2], left: lengths[3])
        default: return nil
        }
    }

    var horizontal: Int { left + right }
    var vertical: Int { top + bottom }
}
