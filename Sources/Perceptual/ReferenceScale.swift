/// The reference at one scale, with what every comparison needs from it computed once: its XYB planes, their
/// local means μ₁ (the planes blurred) and their local variances σ₁² = blur(ref²) − μ₁².
///
/// A quality search scores several distorted images against one reference, and these are two of the five
/// blurs a comparison needs per channel.
struct ReferenceScale: Sendable {
    let xyb: XYBImage
    /// Six planes: the local means of X, Y and B−Y, then their local variances.
    let moments: PlanarImage

    init(_ xyb: XYBImage, blur: GaussianBlur) {
        let (width, height, planeSize) = (xyb.planes.width, xyb.planes.height, xyb.planes.planeSize)
        var scratch = BlurScratch(windowCount: 2, rowCount: 0, width: width)
        moments = xyb.planes.samples.withUnsafeBufferPointer { planes in
            scratch.withBuffers { slots, _, rowScratch in
                PlanarImage(width: width, height: height, planeCount: 6) { moments in
                    for channel in 0..<3 {
                        let plane = planes.baseAddress! + channel * planeSize
                        let values = RowWindow(slots: slots[0], width: width, height: height, plane: plane, factors: nil)
                        let squares = RowWindow(slots: slots[1], width: width, height: height, plane: plane, factors: plane)
                        for y in 0..<height {
                            let means = moments + channel * planeSize + y * width
                            let variances = moments + (3 + channel) * planeSize + y * width
                            ReferenceMoments.computeRow(
                                y,
                                values: values,
                                squares: squares,
                                blur: blur,
                                rowScratch: rowScratch,
                                means: means,
                                variances: variances
                            )
                        }
                    }
                }
            }
        }
        self.xyb = xyb
    }
}
