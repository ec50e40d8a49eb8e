import Vips

/// The libvips steps that turn a source of known size into the requested geometry, in the
/// order docs/url-api.md states: EXIF orientation → rotate and flip → crop → trim → resize and fit
/// → pad.
///
/// Pure arithmetic over the request and the source header, so every step is table-tested
/// without decoding anything. Source sizes are the displayed (EXIF-rotated) sizes.
struct ResizePlan: Equatable {
    /// The last step after the thumbnail.
    enum Finish: Equatable {
        /// The thumbnail is the result.
        case none
        /// Cut every frame to at most this box, keeping the part the direction names.
        case crop(width: Int, height: Int, keeping: CompassDirection)
        /// Cut every frame to at most this box around the focal point.
        case cropAround(width: Int, height: Int, focalPoint: FocalPoint)
        /// Centre every frame on a canvas of exactly this box.
        case letterbox(width: Int, height: Int)
    }

    /// What comes before the resize when the request turns, crops or trims the picture: the
    /// source is decoded whole but shrunk (libvips' shrink-on-load), the region cut out and
    /// computed into memory, turned, and trimmed; the resize then starts from that.
    struct Preparation: Equatable {
        /// Decode at 1/`shrink` of the source's size: a power of two up to 8, the most that still
        /// leaves the region at least as many pixels as the resize needs; 1 for a trim, whose
        /// region is not known before the pixels are.
        var shrink: Int
        /// The part of the upright source to keep, in its pixels, before the turn: where the
        /// crop, which names the turned picture, lies in the picture as decoded.
        var region: PixelRectangle
        var rotation: Rotation
        var flip: Flip?
        var trimThreshold: Int?
    }

    /// Nil when the resize starts from the source itself.
    var preparation: Preparation?
    var thumbnail: ThumbnailRequest
    var finish: Finish
    var padding: Padding?
    /// The size of the resized picture, before padding: exact for boxes (cover, contain, fill),
    /// and within a pixel on a side that follows the aspect ratio, which libvips rounds from its
    /// shrink-on-load size.
    var resizedWidth: Int
    var resizedHeight: Int

    /// The size of the result, for checking output limits before any work. With a trim, the
    /// most it can be (the trim can only take away).
    var outputWidth: Int { resizedWidth + (padding?.horizontal ?? 0) }
    var outputHeight: Int { resizedHeight + (padding?.vertical ?? 0) }

    /// Plans `options` for a source of `sourceWidth` x `sourceHeight` displayed pixels.
    /// - Parameter animated: whether several frames will be decoded. libvips' smart crop sees
    ///   stacked frames as one tall image, so animations are cropped frame by frame instead
    ///   (attention and entropy then keep the centre).
    /// - Throws: `SourceError.cropOutside` when the crop holds none of the turned picture.
    init(options: ProcessingOptions, sourceWidth: Int, sourceHeight: Int, animated: Bool = false) throws(SourceError) {
        let turned =
            options.rotation.swapsSides
            ? Size(width: sourceHeight, height: sourceWidth) : Size(width: sourceWidth, height: sourceHeight)
        var region = PixelRectangle(left: 0, top: 0, width: turned.width, height: turned.height)
        if let crop = options.crop {
            guard let cropped = crop.pixels(ofWidth: turned.width, height: turned.height) else {
                throw .cropOutside(width: turned.width, height: turned.height)
            }
            region = cropped
        }
        self.init(resizing: region.width, region.height, options: options, animated: animated)
        padding = options.padding
        guard options.rotation != .none || options.flip != nil || options.crop != nil || options.trimThreshold != nil else {
            return
        }
        let scale = max(Double(resizedWidth) / Double(region.width), Double(resizedHeight) / Double(region.height))
        let shrinks = options.trimThreshold == nil ? [8, 4, 2] : []
        let shrink = shrinks.first(where: { Double($0) * scale <= 1 }) ?? 1
        preparation = Preparation(
            shrink: shrink,
            region: region.unturned(
                rotation: options.rotation, flip: options.flip, turnedWidth: turned.width, turnedHeight: turned.height),
            rotation: options.rotation, flip: options.flip, trimThreshold: options.trimThreshold)
    }

    /// The plan once a trim has left `width` x `height` pixels: the same steps, resized from that.
    func trimmed(toWidth width: Int, height: Int, options: ProcessingOptions, animated: Bool) -> ResizePlan {
        var plan = ResizePlan(resizing: width, height, options: options, animated: animated)
        plan.preparation = preparation
        plan.padding = padding
        return plan
    }

    /// The resize of a picture `sourceWidth` x `sourceHeight` as `options` ask, nothing before
    /// or after it.
    private init(resizing sourceWidth: Int, _ sourceHeight: Int, options: ProcessingOptions, animated: Bool) {
        preparation = nil
        padding = nil
        // Without a box there is nothing to enlarge to (libvips would take its unbounded box at its word).
        let hasBox = options.width != nil || options.height != nil
        let scaling: ThumbnailRequest.Scaling = options.enlarge && hasBox ? .shrinkOrEnlarge : .shrinkOnly
        let source = Size(width: sourceWidth, height: sourceHeight)
        guard let boxWidth = options.width, let boxHeight = options.height else {
            // One side or none: every fit keeps the aspect ratio within that bound.
            thumbnail = ThumbnailRequest(width: options.width, height: options.height, scaling: scaling)
            finish = .none
            (resizedWidth, resizedHeight) = source.fitted(width: options.width, height: options.height, enlarge: options.enlarge)
            return
        }
        let box = Size(width: boxWidth, height: boxHeight)
        switch options.fit {
        case .inside:
            thumbnail = ThumbnailRequest(width: boxWidth, height: boxHeight, scaling: scaling)
            finish = .none
            (resizedWidth, resizedHeight) = source.fitted(width: boxWidth, height: boxHeight, enlarge: options.enlarge)
        case .fill:
            thumbnail = ThumbnailRequest(width: boxWidth, height: boxHeight, scaling: .stretch)
            finish = .none
            (resizedWidth, resizedHeight) = (boxWidth, boxHeight)
        case .contain:
            thumbnail = ThumbnailRequest(width: boxWidth, height: boxHeight, scaling: scaling)
            finish = .letterbox(width: boxWidth, height: boxHeight)
            (resizedWidth, resizedHeight) = (boxWidth, boxHeight)
        case .outside:
            thumbnail = source.coveringThumbnail(of: box, scaling: scaling)
            finish = .none
            (resizedWidth, resizedHeight) = source.covering(box, enlarge: options.enlarge)
        case .cover:
            let covered = source.covering(box, enlarge: options.enlarge)
            (resizedWidth, resizedHeight) = (min(boxWidth, covered.width), min(boxHeight, covered.height))
            if let focalPoint = options.focalPoint {
                thumbnail = source.coveringThumbnail(of: box, scaling: scaling)
                finish = .cropAround(width: boxWidth, height: boxHeight, focalPoint: focalPoint)
            } else if let smartCrop = options.gravity.smartCrop, !animated {
                thumbnail = ThumbnailRequest(width: boxWidth, height: boxHeight, scaling: scaling, crop: smartCrop)
                finish = .none
            } else {
                thumbnail = source.coveringThumbnail(of: box, scaling: scaling)
                finish = .crop(width: boxWidth, height: boxHeight, keeping: options.gravity.compassDirection)
            }
        }
    }
}

extension PixelRectangle {
    /// Where this rectangle of a picture turned by `rotation` and then mirrored by `flip` (of
    /// `turnedWidth` x `turnedHeight` pixels) lies in the picture before both.
    fileprivate func unturned(rotation: Rotation, flip: Flip?, turnedWidth: Int, turnedHeight: Int) -> PixelRectangle {
        var rectangle = self
        if flip?.mirrorsHorizontally == true { rectangle.left = turnedWidth - left - width }
        if flip?.mirrorsVertically == true { rectangle.top = turnedHeight - top - height }
        let (x, y, w, h) = (rectangle.left, rectangle.top, rectangle.width, rectangle.height)
        // The picture before the turn is `unturnedWidth` x `unturnedHeight`.
        let (unturnedWidth, unturnedHeight) = rotation.swapsSides ? (turnedHeight, turnedWidth) : (turnedWidth, turnedHeight)
        switch rotation {
        case .none: return rectangle
        case .quarter: return PixelRectangle(left: y, top: unturnedHeight - x - w, width: h, height: w)
        case .half: return PixelRectangle(left: unturnedWidth - x - w, top: unturnedHeight - y - h, width: w, height: h)
        case .threeQuarters: return PixelRectangle(left: unturnedWidth - y - h, top: x, width: h, height: w)
        }
    }
}

/// A width and height in pixels, with the scaling arithmetic libvips' thumbnail performs.
private struct Size {
    var width: Int
    var height: Int

    /// The size after fitting within a box (either side may be unbounded).
    func fitted(width boxWidth: Int?, height boxHeight: Int?, enlarge: Bool) -> (width: Int, height: Int) {
        let scales = [boxWidth.map { Double($0) / Double(width) }, boxHeight.map { Double($0) / Double(height) }]
        let scale = scales.compactMap { $0 }.min() ?? 1
        return scaled(by: enlarge ? scale : min(scale, 1))
    }

    /// The size after scaling to cover the box, keeping the aspect ratio.
    func covering(_ box: Size, enlarge: Bool) -> (width: Int, height: Int) {
        let scale = max(Double(box.width) / Double(width), Double(box.height) / Double(height))
        return scaled(by: enlarge ? scale : min(scale, 1))
    }

    /// A thumbnail bounded on the side that needs the larger scale only, so that the other side
    /// comes out at least as large as the box (rounding cannot make it a pixel short).
    func coveringThumbnail(of box: Size, scaling: ThumbnailRequest.Scaling) -> ThumbnailRequest {
        let widthBinds = Double(box.width) / Double(width) >= Double(box.height) / Double(height)
        return ThumbnailRequest(
            width: widthBinds ? box.width : nil,
            height: widthBinds ? nil : box.height,
            scaling: scaling
        )
    }

    private func scaled(by scale: Double) -> (width: Int, height: Int) {
        (max(1, Int((Double(width) * scale).rounded())), max(1, Int((Double(height) * scale).rounded())))
    }
}

extension Gravity {
    /// The libvips smart crop this gravity names, if it is one.
    fileprivate var smartCrop: ThumbnailRequest.SmartCrop? {
        switch self {
        case .centre: .centre
        case .attention: .attention
        case .entropy: .entropy
        default: nil
        }
    }

    /// The compass direction a plain crop keeps.
    fileprivate var compassDirection: CompassDirection {
        switch self {
        case .centre, .attention, .entropy: .centre
        case .north: .north
        case .northeast: .northEast
        case .east: .east
        case .southeast: .southEast
        case .south: .south
        case .southwest: .southWest
        case .west: .west
        case .northwest: .northWest
        }
    }
}
