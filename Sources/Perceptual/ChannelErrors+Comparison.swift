extension ChannelErrors {
    /// Compares one channel of a distorted image with the reference's at one scale and pools the error maps:
    ///
    /// - SSIM′: `1 − (1 − (μ₁ − μ₂)²) · (2σ₁₂ + C₂) / (σ₁² + σ₂² + C₂)`, clamped at zero. libjxl replaced SSIM's
    ///   luminance term `2μ₁μ₂ / (μ₁² + μ₂²)` by `1 − (μ₁ − μ₂)²`, because the values are already perceptually
    ///   uniform and the denominator would weigh errors in the darks more. C₂ = 0.0009, SSIM's `(0.03 L)²` for
    ///   the range L = 1; there is no C₁.
    /// - edge difference: `(1 + |dist − μ₂|) / (1 + |ref − μ₁|) − 1`, whose positive part is the artifact map and
    ///   whose negative part, negated, the detail-lost map.
    ///
    /// The distorted channel's three blurs (μ₂, and the local means of dist² and ref·dist giving σ₂² and σ₁₂)
    /// stream through row windows, and each row is pooled as soon as it is blurred: the planes are never stored.
    ///
    /// - Parameters:
    ///   - reference, distorted: `width × height` planes, at least 8×8.
    ///   - windowSlots: three windows' slots, and `rows` three rows (see `BlurScratch`), overwritten.
    ///   - rowScratch: the blur's row scratch, overwritten.
    init(
        reference: UnsafePointer<Float>,
        distorted: UnsafePointer<Float>,
        width: Int,
        height: Int,
        referenceMoments: ReferenceMoments,
        windowSlots: ArraySlice<UnsafeMutablePointer<Float>>,
        rows: ArraySlice<UnsafeMutablePointer<Float>>,
        rowScratch: UnsafeMutablePointer<Float>,
        blur: GaussianBlur
    ) {
        let (slots, rows) = (Array(windowSlots), Array(rows))
        let values = RowWindow(slots: slots[0], width: width, height: height, plane: distorted, factors: nil)
        let squares = RowWindow(slots: slots[1], width: width, height: height, plane: distorted, factors: distorted)
        let products = RowWindow(slots: slots[2], width: width, height: height, plane: distorted, factors: reference)
        let (distMeans, distMeansOfSquares, meansOfProducts) = (rows[0], rows[1], rows[2])
        let c2 = FloatVector(repeating: 0.0009)
        var sums = ErrorSums()
        for y in 0..<height {
            let (refMeans, refVariances) = referenceMoments.row(y, blur: blur, rowScratch: rowScratch)
            values.blurredRow(y, blur: blur, scratch: rowScratch, into: distMeans)
            squares.blurredRow(y, blur: blur, scratch: rowScratch, into: distMeansOfSquares)
            products.blurredRow(y, blur: blur, scratch: rowScratch, into: meansOfProducts)
            let (referenceRow, distortedRow) = (reference + y * width, distorted + y * width)
            var rowSums = RowSums()
            forEachVector(count: width) { x, overlap in
                let (ref, dist) = (referenceRow.vector(at: x), distortedRow.vector(at: x))
                let (refMean, refVariance) = (refMeans.vector(at: x), refVariances.vector(at: x))
                let (distMean, distMeanOfSquares) = (distMeans.vector(at: x), distMeansOfSquares.vector(at: x))

                let meanDifference = refMean - distMean
                let luminance = 1 - meanDifference * meanDifference
                let covariance = 2 * (meansOfProducts.vector(at: x) - refMean * distMean) + c2
                let variances = refVariance + (distMeanOfSquares - distMean * distMean) + c2
                let structure = (1 - luminance * covariance / variances).clampedToZero
                let edgeRatio = (1 + (dist - distMean).magnitude) / (1 + (ref - refMean).magnitude) - 1
                rowSums.add(
                    structure: structure,
                    artifact: edgeRatio.clampedToZero,
                    detailLost: (-edgeRatio).clampedToZero,
                    skippingLanes: overlap
                )
            }
            sums.add(rowSums)
        }
        self = sums.errors(count: width * height)
    }
}

/// One row's sums of the three maps and of their fourth powers, lane by lane in floats: a row is short enough
/// for float sums to keep their precision, and `ErrorSums` adds the rows in Double.
private struct RowSums {
    var structure = FloatVector.zero
    var structureFourth = FloatVector.zero
    var artifact = FloatVector.zero
    var artifactFourth = FloatVector.zero
    var detailLost = FloatVector.zero
    var detailLostFourth = FloatVector.zero

    /// Adds eight pixels' map values, leaving out the first `skippingLanes`, which an earlier step added.
    @inline(__always)
    mutating func add(structure: FloatVector, artifact: FloatVector, detailLost: FloatVector, skippingLanes: Int) {
        var (structure, artifact, detailLost) = (structure, artifact, detailLost)
        if skippingLanes > 0 {
            let added = leadingLanes(skippingLanes)
            structure.replace(with: 0, where: added)
            artifact.replace(with: 0, where: added)
            detailLost.replace(with: 0, where: added)
        }
        self.structure += structure
        structureFourth += fourthPower(structure)
        self.artifact += artifact
        artifactFourth += fourthPower(artifact)
        self.detailLost += detailLost
        detailLostFourth += fourthPower(detailLost)
    }

    @inline(__always)
    private func fourthPower(_ value: FloatVector) -> FloatVector {
        let square = value * value
        return square * square
    }
}

/// A channel's sums over all rows, in Double as libjxl keeps them.
private struct ErrorSums {
    var structure = 0.0
    var structureFourth = 0.0
    var artifact = 0.0
    var artifactFourth = 0.0
    var detailLost = 0.0
    var detailLostFourth = 0.0

    mutating func add(_ row: RowSums) {
        structure += Double(row.structure.sum())
        structureFourth += Double(row.structureFourth.sum())
        artifact += Double(row.artifact.sum())
        artifactFourth += Double(row.artifactFourth.sum())
        detailLost += Double(row.detailLost.sum())
        detailLostFourth += Double(row.detailLostFourth.sum())
    }

    /// The norms of maps of `count` pixels.
    func errors(count: Int) -> ChannelErrors {
        ChannelErrors(
            structure: Norms(sum: structure, sumOfFourthPowers: structureFourth, count: count),
            artifact: Norms(sum: artifact, sumOfFourthPowers: artifactFourth, count: count),
            detailLost: Norms(sum: detailLost, sumOfFourthPowers: detailLostFourth, count: count)
        )
    }
}
