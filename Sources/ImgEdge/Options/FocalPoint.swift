/// The point ``Fit/cover`` keeps in view when it crops (`fp=x,y`), as fractions of the
/// picture's width and height from its top-left corner; it overrides ``Gravity``.
struct FocalPoint: Sendable, Hashable, Codable {
    var x: Double
    var y: Double

    init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// Where a cut `length` pixels long starts on an axis `extent` pixels long, so that the
    /// point at `fraction` of the axis is as near its middle as the edges allow.
    static func cutStart(length: Int, extent: Int, fraction: Double) -> Int {
        let centred = Int((fraction * Double(extent) - Double(length) / 2).rounded())
        return min(max(centred, 0), max(extent - length, 0))
    }
}
