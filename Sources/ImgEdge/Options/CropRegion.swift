/// The part of the picture a request keeps (`crop=x,y,w,h`), in the picture as it will be shown:
/// after its EXIF orientation, ``Rotation`` and ``Flip``, before the resize.
struct CropRegion: Sendable, Hashable, Codable {
    /// Whether the four numbers count pixels or fractions of the picture's width and height.
    enum Unit: Sendable, Hashable, Codable {
        case pixels
        case fractions
    }

    var x: Double
    var y: Double
    var width: Double
    var height: Double
    var unit: Unit

    init(x: Double, y: Double, width: Double, height: Double, unit: Unit) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.unit = unit
    }

    /// The region in pixels of a picture `imageWidth` x `imageHeight`, cut to the picture; nil
    /// when it holds none of it. Fractions are rounded to the nearest pixel edge.
    func pixels(ofWidth imageWidth: Int, height imageHeight: Int) -> PixelRectangle? {
        let (scaleX, scaleY) = unit == .pixels ? (1.0, 1.0) : (Double(imageWidth), Double(imageHeight))
        let left = min(Int((x * scaleX).rounded()), imageWidth)
        let top = min(Int((y * scaleY).rounded()), imageHeight)
        let right = min(Int(((x + width) * scaleX).rounded()), imageWidth)
        let bottom = min(Int(((y + height) * scaleY).rounded()), imageHeight)
        guard right > left, bottom > top else { return nil }
        return PixelRectangle(left: left, top: top, width: right - left, height: bottom - top)
    }

    /// The URL form, e.g. `0.1,0.1,0.5,0.5` or `10,20,300,200`, for cache keys.
    var urlValue: String {
        let numbers = [x, y, width, height]
        return unit == .pixels
            ? numbers.map { String(Int($0)) }.joined(separator: ",") : numbers.map { "\($0)" }.joined(separator: ",")
    }
}

/// A rectangle of whole pixels.
struct PixelRectangle: Sendable, Hashable {
    var left: Int
    var top: Int
    var width: Int
    var height: Int

    /// This rectangle of a picture `from` pixels large, in the same picture scaled to `to`:
    /// edges rounded to the nearest pixel, at least one pixel a side, within the picture.
    func scaled(from: (width: Int, height: Int), to: (width: Int, height: Int)) -> PixelRectangle {
        func edges(_ start: Int, _ length: Int, _ from: Int, _ to: Int) -> (start: Int, length: Int) {
            let scale = Double(to) / Double(from)
            let first = min(Int((Double(start) * scale).rounded()), to - 1)
            let end = min(max(Int((Double(start + length) * scale).rounded()), first + 1), to)
            return (first, end - first)
        }
        let (left, width) = edges(left, width, from.width, to.width)
        let (top, height) = edges(top, height, from.height, to.height)
        return PixelRectangle(left: left, top: top, width: width, height: height)
    }
}
