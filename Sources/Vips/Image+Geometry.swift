internal import CVipsShim

/// The geometry steps around the resize: turning, cutting, trimming, padding, and the resize
/// of an image already decoded. Each works frame by frame on animations.
extension Image {
    /// Turns every frame clockwise by `degrees` (0, 90, 180 or 270), then mirrors it.
    ///
    /// Reads pixels out of order: call it on a `materialized()` image, not on a lazy decode.
    public consuming func oriented(
        turningClockwise degrees: Int, mirroringHorizontally: Bool, mirroringVertically: Bool
    ) throws(VipsError) -> Image {
        let angle: VipsAngle =
            switch degrees {
            case 0: VIPS_ANGLE_D0
            case 90: VIPS_ANGLE_D90
            case 180: VIPS_ANGLE_D180
            case 270: VIPS_ANGLE_D270
            default: preconditionFailure("a turn is 0, 90, 180 or 270 degrees, not \(degrees)")
            }
        let flip = (mirroringHorizontally ? 1 : 0) | (mirroringVertically ? 2 : 0)
        return try transformed { imgedge_vips_orient($0, angle, Int32(flip), &$1) }
    }

    /// The `width` x `height` rectangle at `left`, `top` of every frame, which it must lie within.
    public consuming func extracted(left: Int, top: Int, width: Int, height: Int) throws(VipsError) -> Image {
        try transformed { imgedge_vips_extract($0, Int32(left), Int32(top), Int32(width), Int32(height), &$1) }
    }

    /// The rectangle of the frames that holds content: what differs by more than `threshold`
    /// (0–255) from the first frame's top-left pixel, over every frame; the whole frame when
    /// nothing does. Computes the pixels: call it on a `materialized()` image.
    public func contentBox(threshold: Int) throws(VipsError) -> (left: Int, top: Int, width: Int, height: Int) {
        var (left, top, width, height): (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)
        guard imgedge_vips_find_trim(pointer, Double(threshold), &left, &top, &width, &height) == 0 else {
            throw .transformFailed(Libvips.takeErrorText())
        }
        return (Int(left), Int(top), Int(width), Int(height))
    }

    /// Resizes every frame to the box as `request` says, from pixels already decoded (no
    /// shrink-on-load; `request.frames` is not read).
    public consuming func resized(_ request: ThumbnailRequest) throws(VipsError) -> Image {
        var options = request.shimOptions
        return try transformed { imgedge_vips_thumbnail_image($0, &options, &$1) }
    }

    /// Cuts every frame to at most `width` x `height`, keeping the part `direction` names.
    public consuming func cropped(width: Int, height: Int, keeping direction: CompassDirection) throws(VipsError) -> Image {
        try transformed { imgedge_vips_crop($0, direction.vipsDirection, Int32(width), Int32(height), &$1) }
    }

    /// Centres every frame on a `width` x `height` canvas of `background` (letterboxing), as
    /// libvips' gravity does: the odd pixel goes to the right and bottom.
    /// - Parameter background: red, green, blue, alpha, each 0–255.
    public consuming func letterboxed(width: Int, height: Int, background: [Double]) throws(VipsError) -> Image {
        let (left, top) = ((width - self.width) / 2, (height - frameHeight) / 2)
        let edges = [top, width - self.width - left, height - frameHeight - top, left]
        return try padded(edges: edges, background: background)
    }

    /// Adds a border of `background` around every frame, as wide as `edges` says: top, right,
    /// bottom, left, in pixels (a negative edge cuts into the frame).
    /// - Parameter background: red, green, blue, alpha, each 0–255; an alpha channel is added
    ///   when it is not opaque.
    public consuming func padded(edges: [Int], background: [Double]) throws(VipsError) -> Image {
        precondition(edges.count == 4 && background.count == 4, "four edges, and red, green, blue, alpha")
        let edges = edges.map { Int32($0) }
        return try transformed { input, out in
            edges.withUnsafeBufferPointer { edges in
                background.withUnsafeBufferPointer { imgedge_vips_pad(input, edges.baseAddress, $0.baseAddress, &out) }
            }
        }
    }
}

extension CompassDirection {
    fileprivate var vipsDirection: VipsCompassDirection {
        switch self {
        case .centre: VIPS_COMPASS_DIRECTION_CENTRE
        case .north: VIPS_COMPASS_DIRECTION_NORTH
        case .northEast: VIPS_COMPASS_DIRECTION_NORTH_EAST
        case .east: VIPS_COMPASS_DIRECTION_EAST
        case .southEast: VIPS_COMPASS_DIRECTION_SOUTH_EAST
        case .south: VIPS_COMPASS_DIRECTION_SOUTH
        case .southWest: VIPS_COMPASS_DIRECTION_SOUTH_WEST
        case .west: VIPS_COMPASS_DIRECTION_WEST
        case .northWest: VIPS_COMPASS_DIRECTION_NORTH_WEST
        }
    }
}
