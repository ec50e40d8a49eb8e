/// Where a comparison reads the reference's local means μ₁ and local variances σ₁² = blur(ref²) − μ₁², row by row:
/// from planes a `ReferenceScale` prepared, or blurred on the spot by a one-off comparison, which then never
/// stores them whole.
enum ReferenceMoments {
    /// Planes of means and variances, `width` values a row.
    case prepared(means: UnsafePointer<Float>, variances: UnsafePointer<Float>, width: Int)
    /// Windows over the blur of the reference channel and of its square, and a row each to write moments into.
    case streamed(
        values: RowWindow, squares: RowWindow, means: UnsafeMutablePointer<Float>, variances: UnsafeMutablePointer<Float>)

    /// Row `y`'s means and variances, for `y` = 0, 1, 2 … in turn. Streamed rows are valid until the next call.
    func row(
        _ y: Int, blur: GaussianBlur, rowScratch: UnsafeMutablePointer<Float>
    ) -> (means: UnsafePointer<Float>, variances: UnsafePointer<Float>) {
        switch self {
        case .prepared(let means, let variances, let width):
            return (means + y * width, variances + y * width)
        case .streamed(let values, let squares, let means, let variances):
            Self.computeRow(
                y, values: values, squares: squares, blur: blur, rowScratch: rowScratch, means: means, variances: variances)
            return (UnsafePointer(means), UnsafePointer(variances))
        }
    }

    /// Writes row `y`'s means and variances from windows over the blur of a plane and of its square.
    ///
    /// The variance is computed here in the same operations as the distorted image's, so that an image compared
    /// with itself gets SSIM′ exactly 1 and scores exactly 100, as the reference package does.
    static func computeRow(
        _ y: Int,
        values: RowWindow,
        squares: RowWindow,
        blur: GaussianBlur,
        rowScratch: UnsafeMutablePointer<Float>,
        means: UnsafeMutablePointer<Float>,
        variances: UnsafeMutablePointer<Float>
    ) {
        values.blurredRow(y, blur: blur, scratch: rowScratch, into: means)
        squares.blurredRow(y, blur: blur, scratch: rowScratch, into: variances)
        forEachVector(count: values.width) { x, overlap in
            let (mean, meanOfSquares) = (means.vector(at: x), variances.vector(at: x))
            var variance = meanOfSquares - mean * mean
            if overlap > 0 {
                // An overlapping last step finds its leading lanes already turned into variances.
                variance.replace(with: meanOfSquares, where: leadingLanes(overlap))
            }
            variances.storeVector(variance, at: x)
        }
    }
}
