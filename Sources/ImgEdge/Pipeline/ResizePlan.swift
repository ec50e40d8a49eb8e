import Vips

/// The libvips steps that turn a source of known size into the requested geometry.
///
/// Pure arithmetic over the request and the source header, so every fit mode is table-tested
/// without decoding anything. Sizes are the displayed (EXIF-rotated) sizes.
struct ResizePlan: Equatable {
    /// The last step after the thumbnail.
    enum Finish: Equatable {
        /// The thumbnail is the result.
        case none
        /// Cut every frame to at most this box, keeping the part the direction names.
        case crop(width: Int, height: Int, keeping: CompassDirection)
        /// Centre every frame on a canvas of exactly this box.
        case letterbox(width: Int, height: Int)
    }

    var thumbnail: ThumbnailRequest
    var finish: Finish
    /// The size of the result, for checking output limits before any work: exact for boxes
    /// (cover, contain, fill), and within a pixel on a side that follows the aspect ratio,
    /// which libvips rounds from its shrink-on-load size.
    var outputWidth: Int
    var outputHeight: Int

    /// Plans `options` for a source of `sourceWidth` x `sourceHeight` displayed pixels.
    /// - Parameter animated: whether several frames will be decoded. libvips' smart crop sees
    ///   stacked frames as one tall image, so animations are cropped frame by frame instead
    ///   (attention and entropy then keep the centre).
    init(options: ProcessingOptions, sourceWidth: Int, sourceHeight: Int, animated: Bool = false) {
        let scaling: ThumbnailRequest.Scaling = options.enlarge ? .shrinkOrEnlarge : .shrinkOnly
        let source = Size(width: sourceWidth, height: sourceHeight)
        guard let boxWidth = options.width, let boxHeight = options.height else {
            // One side or none: every fit keeps the aspect ratio within that bound.
            thumbnail = ThumbnailRequest(width: options.width, height: options.height, scaling: scaling)
            finish = .none
            (outputWidth, outputHeight) = source.fitted(width: options.width, height: options.height, enlarge: options.enlarge)
            return
        }
        let box = Size(width: boxWidth, height: boxHeight)
        switch options.fit {
        case .inside:
            thumbnail = ThumbnailRequest(width: boxWidth, height: boxHeight, scaling: scaling)
            finish = .none
            (outputWidth, outputHeight) = source.fitted(width: boxWidth, height: boxHeight, enlarge: options.enlarge)
        case .fill:
            thumbnail = ThumbnailRequest(width: boxWidth, height: boxHeight, scaling: .stretch)
            finish = .none
            (outputWidth, outputHeight) = (boxWidth, boxHeight)
        case .contain:
            thumbnail = ThumbnailRequest(width: boxWidth, height: boxHeight, scaling: scaling)
            finish = .letterbox(width: boxWidth, height: boxHeight)
            (outputWidth, outputHeight) = (boxWidth, boxHeight)
        case .outside:
            thumbnail = source.coveringThumbnail(of: box, scaling: scaling)
            finish = .none
            (outputWidth, outputHeight) = source.covering(box, enlarge: options.enlarge)
        case .cover:
            let covered = source.covering(box, enlarge: options.enlarge)
            (outputWidth, outputHeight) = (min(boxWidth, covered.width), min(boxHeight, covered.height))
            if let smartCrop = options.gravity.smartCrop, !animated {
                thumbnail = ThumbnailRequest(width: boxWidth, height: boxHeight, scaling: scaling, crop: smartCrop)
                finish = .none
            } else {
                thumbnail = source.coveringThumbnail(of: box, scaling: scaling)
                finish = .crop(width: boxWidth, height: boxHeight, keeping: options.gravity.compassDirection)
            }
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
