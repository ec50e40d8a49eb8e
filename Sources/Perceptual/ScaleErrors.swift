/// The pooled errors of one scale: for each channel (X, Y, B−Y, in that order), three error maps reduced by two norms.
struct ScaleErrors: Sendable {
    var channels: [ChannelErrors]
}

/// One channel's three error maps at one scale, each reduced to its 1-norm and 4-norm.
struct ChannelErrors: Sendable {
    /// 1 − SSIM′, SSIM with libjxl's correction (see `ChannelErrors.init(reference:distorted:…)`), clamped at zero.
    var structure: Norms
    /// Where the distorted image has edges the reference lacks: ringing, blockiness, banding.
    var artifact: Norms
    /// Where the reference has edges the distorted image lacks: blurring, smoothing, smearing.
    var detailLost: Norms
}

/// A map's mean (its 1-norm) and the fourth root of the mean of its fourth powers (its 4-norm), which weighs
/// the worst regions more.
struct Norms: Sendable {
    var oneNorm: Double
    var fourNorm: Double

    /// The norms of a map of `count` values whose sum and sum of fourth powers are given.
    init(sum: Double, sumOfFourthPowers: Double, count: Int) {
        oneNorm = sum / Double(count)
        fourNorm = (sumOfFourthPowers / Double(count)).squareRoot().squareRoot()
    }

    /// The norm at `index`: 0 is the 1-norm, 1 the 4-norm, the order of SSIMULACRA2's weights.
    subscript(index: Int) -> Double {
        index == 0 ? oneNorm : fourNorm
    }
}
