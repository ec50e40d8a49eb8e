/// SSIMULACRA2 (Structural SIMilarity Unveiling Local And Compression Related Artifacts), Jon Sneyers' perceptual
/// metric for lossy image compression, as libjxl's `tools/ssimulacra2.cc` defines it and the `ssimulacra2` 0.3.0
/// Python package computes it: 100 for identical images, 90 visually lossless, 70 high quality, 50 medium,
/// 30 low; it can go below zero.
///
/// A search that scores several encodings of one image should prepare the reference once with
/// `SSIMULACRA2Reference` and score each encoding against it; `score(reference:…)` compares one pair, streaming
/// the reference's blurs instead of storing them, and gives the same score.
package enum SSIMULACRA2 {
    /// The score of a distorted image against a reference, both 8-bit sRGB, RGB or RGBA, of the same size.
    ///
    /// - Parameters: the pixels are borrowed for the call only.
    /// - Throws: `SSIMULACRA2Error` for a layout other than RGB or RGBA, an image under 8×8, a short buffer, or
    ///   sizes that differ.
    package static func score(
        reference: UnsafeBufferPointer<UInt8>,
        layout referenceLayout: PixelLayout,
        distorted: UnsafeBufferPointer<UInt8>,
        layout distortedLayout: PixelLayout
    ) throws(SSIMULACRA2Error) -> Double {
        try referenceLayout.validate(bufferCount: reference.count)
        try distortedLayout.validate(bufferCount: distorted.count)
        guard distortedLayout.width == referenceLayout.width, distortedLayout.height == referenceLayout.height else {
            throw .sizeMismatch(reference: referenceLayout, distorted: distortedLayout)
        }
        let scaleCount = XYBScales.scaleCount(width: referenceLayout.width, height: referenceLayout.height)
        let blur = GaussianBlur()
        var worst = Double.infinity
        for backdrop in Backdrop.scoring(referenceHasAlpha: referenceLayout.hasAlpha) {
            let references = XYBScales(of: reference, layout: referenceLayout, backdrop: backdrop, count: scaleCount)
            let distorteds = XYBScales(of: distorted, layout: distortedLayout, backdrop: backdrop, count: scaleCount)
            let errors = zip(references, distorteds).map { reference, distorted in
                ScaleErrors(reference: reference, distorted: distorted, blur: blur)
            }
            worst = min(worst, SSIMULACRA2Score.score(errors))
        }
        return worst
    }

    /// The score of a distorted image against a reference, both given as arrays.
    package static func score(
        reference: [UInt8],
        layout referenceLayout: PixelLayout,
        distorted: [UInt8],
        layout distortedLayout: PixelLayout
    ) throws(SSIMULACRA2Error) -> Double {
        try reference.withUnsafeBufferPointer { reference throws(SSIMULACRA2Error) in
            try distorted.withUnsafeBufferPointer { distorted throws(SSIMULACRA2Error) in
                try score(reference: reference, layout: referenceLayout, distorted: distorted, layout: distortedLayout)
            }
        }
    }
}
