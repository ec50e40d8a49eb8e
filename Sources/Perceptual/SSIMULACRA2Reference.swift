/// A reference image prepared for SSIMULACRA2: converted to XYB and blurred at every scale once, so that each
/// distorted image scored against it costs only its own share. A quality search, which encodes one image at
/// several qualities and scores each, prepares the reference once.
///
/// Scoring is `mutating` because the reference keeps the last distorted image's planes and reuses their memory:
/// fresh megabytes cost page faults that take longer than the arithmetic done in them. The prepared data itself
/// is shared by copies, so threads that score at once each take a copy of the reference. Scoring is
/// single-threaded; a reference holds 12 floats per pixel (24 with alpha), and its scratch 4 more.
package struct SSIMULACRA2Reference: Sendable {
    /// The reference's layout; distorted images must have its width and height.
    package let layout: PixelLayout
    private let pyramids: [ReferencePyramid]
    private let blur: GaussianBlur
    /// The last distorted image's planes, whose memory the next one reuses.
    private var recycledPlanes: [PlanarImage] = []

    /// Prepares a reference from 8-bit sRGB pixels.
    ///
    /// - Parameter pixels: borrowed for the call only; nothing is kept.
    /// - Throws: `SSIMULACRA2Error` for a layout other than RGB or RGBA, an image under 8×8, or a short buffer.
    package init(pixels: UnsafeBufferPointer<UInt8>, layout: PixelLayout) throws(SSIMULACRA2Error) {
        try layout.validate(bufferCount: pixels.count)
        let scaleCount = XYBScales.scaleCount(width: layout.width, height: layout.height)
        let blur = GaussianBlur()
        self.layout = layout
        self.blur = blur
        pyramids = Backdrop.scoring(referenceHasAlpha: layout.hasAlpha).map { backdrop in
            let scales = XYBScales(of: pixels, layout: layout, backdrop: backdrop, count: scaleCount)
            return ReferencePyramid(backdrop: backdrop, scales: scales.map { ReferenceScale($0, blur: blur) })
        }
    }

    /// Prepares a reference from 8-bit sRGB pixels in an array.
    package init(pixels: [UInt8], layout: PixelLayout) throws(SSIMULACRA2Error) {
        self = try pixels.withUnsafeBufferPointer { pixels throws(SSIMULACRA2Error) in
            try SSIMULACRA2Reference(pixels: pixels, layout: layout)
        }
    }

    /// The SSIMULACRA2 score of a distorted image against this reference: 100 for identical pixels, lower for
    /// worse (it can go below zero). With alpha, the worse of the scores over a dark and a light backdrop.
    ///
    /// - Parameter pixels: borrowed for the call only. The distorted image may have alpha or not, whatever the
    ///   reference has; an image without alpha is opaque.
    /// - Throws: `SSIMULACRA2Error` for an invalid layout or a size other than the reference's.
    package mutating func score(
        distorted pixels: UnsafeBufferPointer<UInt8>, layout distortedLayout: PixelLayout
    ) throws(SSIMULACRA2Error) -> Double {
        try distortedLayout.validate(bufferCount: pixels.count)
        guard distortedLayout.width == layout.width, distortedLayout.height == layout.height else {
            throw .sizeMismatch(reference: layout, distorted: distortedLayout)
        }
        var worst = Double.infinity
        for pyramid in pyramids {
            var recycled: [PlanarImage] = []
            swap(&recycled, &recycledPlanes)
            let scales = XYBScales(
                of: pixels,
                layout: distortedLayout,
                backdrop: pyramid.backdrop,
                count: pyramid.scales.count,
                recycling: consume recycled
            )
            var errors: [ScaleErrors] = []
            for (reference, distorted) in zip(pyramid.scales, scales) {
                errors.append(ScaleErrors(reference: reference, distorted: distorted, blur: blur))
                recycledPlanes.append((consume distorted).planes)
            }
            worst = min(worst, SSIMULACRA2Score.score(errors))
        }
        return worst
    }

    /// The SSIMULACRA2 score of a distorted image, given as an array, against this reference.
    package mutating func score(distorted pixels: [UInt8], layout distortedLayout: PixelLayout) throws(SSIMULACRA2Error) -> Double
    {
        try pixels.withUnsafeBufferPointer { pixels throws(SSIMULACRA2Error) in
            try score(distorted: pixels, layout: distortedLayout)
        }
    }
}

/// The reference composited over one backdrop (see `Backdrop`), prepared at each scale, 1:1 first.
private struct ReferencePyramid: Sendable {
    let backdrop: Backdrop
    let scales: [ReferenceScale]
}
