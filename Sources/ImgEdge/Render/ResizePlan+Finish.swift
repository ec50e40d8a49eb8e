import Vips

extension ResizePlan.Finish {
    /// `image`, a thumbnail made as the plan says, with this last step applied to every frame;
    /// a letterbox's margins are `background` (red, green, blue, alpha, each 0–255).
    func applied(to image: consuming Image, background: [Double]) throws(VipsError) -> Image {
        switch self {
        case .none:
            return image
        case .crop(let width, let height, let direction):
            return try image.cropped(width: width, height: height, keeping: direction)
        case .cropAround(let width, let height, let focalPoint):
            let (cutWidth, cutHeight) = (min(width, image.width), min(height, image.frameHeight))
            let left = FocalPoint.cutStart(length: cutWidth, extent: image.width, fraction: focalPoint.x)
            let top = FocalPoint.cutStart(length: cutHeight, extent: image.frameHeight, fraction: focalPoint.y)
            return try image.extracted(left: left, top: top, width: cutWidth, height: cutHeight)
        case .letterbox(let width, let height):
            return try image.letterboxed(width: width, height: height, background: background)
        }
    }
}
