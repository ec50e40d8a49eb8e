import Perceptual
import Vips

/// The lowest quality at which one format reaches a target SSIMULACRA2 score on one image, and
/// that image encoded there at a high effort: the optimised stage's encode (issue 29).
///
/// A fixed quality per format is not a fixed quality: the defaults reach JPEG q80's score on
/// average, so on most images they give more than that and spend bytes on it. The search aims
/// at the score JPEG at `referenceQuality` reaches on this image (the web's customary JPEG), or
/// at a score the operator sets. It bisects the qualities with trial encodes at the fast
/// stage's effort, each decoded and scored against the image, then encodes at the quality found
/// with the high effort. A higher effort usually scores higher at the same quality (AVIF at
/// effort 4 gains 1.7 points on the calibration photos), so it bisects the trials again for
/// the target less that gain, encodes there with the high effort, and moves the quality a step
/// at a time: up while that encode falls short, down while the one below still reaches the
/// target. The same pixels and settings give the same quality and bytes, on any replica.
struct QualitySearch {
    /// What the search chose.
    struct Outcome {
        var bytes: [UInt8]
        var quality: Int
        /// The score of `bytes` against the image.
        var score: Double
        /// The score aimed at.
        var target: Double
    }

    /// The qualities searched: below 30 photos break up in every format, above 95 bytes grow
    /// much faster than scores.
    static let qualities = 30...95
    /// The JPEG quality whose score on the image is the default target.
    static let referenceQuality = 80
    /// The most steps the final encode's quality moves: up while it falls short of the target,
    /// or down while it still reaches it.
    static let maxSteps = 3

    let format: ImageFormat
    /// The effort of the trial encodes: the fast stage's, so that each costs what a miss's does.
    let trialEffort: Int
    /// The effort of the encode kept.
    let finalEffort: Int
    /// The score to reach; nil for what JPEG at `referenceQuality` scores on the image.
    let target: Double?

    /// The score of `bytes`, an encode of `image` made otherwise than by a search (a palette
    /// PNG), against it.
    static func score(of bytes: [UInt8], against image: borrowing Image) throws(QualitySearchError) -> Double {
        let pixels = try QualitySearchError.vips { () throws(VipsError) in try image.copiedPixels() }
        let decoded = try QualitySearchError.vips { () throws(VipsError) in try Image.pixels(decoding: bytes) }
        return try QualitySearchError.metric { () throws(SSIMULACRA2Error) in
            try SSIMULACRA2.score(
                reference: pixels, layout: PixelLayout(width: image.width, height: image.frameHeight, bands: image.bands),
                distorted: decoded.pixels,
                layout: PixelLayout(width: decoded.width, height: decoded.height, bands: decoded.bands))
        }
    }

    /// Searches on `image`, computed into memory and without alpha (a scored encode of an image
    /// with alpha would be compared on backdrops the target's JPEG never saw), at least 8×8.
    func run(on image: borrowing Image) throws(QualitySearchError) -> Outcome {
        let pixels = try QualitySearchError.vips { () throws(VipsError) in try image.copiedPixels() }
        var reference = try QualitySearchError.metric { () throws(SSIMULACRA2Error) in
            try SSIMULACRA2Reference(
                pixels: pixels, layout: PixelLayout(width: image.width, height: image.frameHeight, bands: image.bands))
        }
        func score(_ format: ImageFormat, quality: Int, effort: Int) throws(QualitySearchError) -> (bytes: [UInt8], score: Double)
        {
            let bytes = try QualitySearchError.vips { () throws(VipsError) in
                try image.encoded(as: format, quality: quality, effort: effort)
            }
            let decoded = try QualitySearchError.vips { () throws(VipsError) in try Image.pixels(decoding: bytes) }
            let value = try QualitySearchError.metric { () throws(SSIMULACRA2Error) in
                try reference.score(
                    distorted: decoded.pixels,
                    layout: PixelLayout(width: decoded.width, height: decoded.height, bands: decoded.bands))
            }
            return (bytes, value)
        }
        let target: Double
        if let chosen = self.target {
            target = chosen
        } else {
            target = try score(.jpeg, quality: Self.referenceQuality, effort: 0).score
        }
        // Trial scores by quality, each encoded once.
        var trials: [Int: Double] = [:]
        func trial(_ quality: Int) throws(QualitySearchError) -> Double {
            if let known = trials[quality] { return known }
            let value = try score(format, quality: quality, effort: trialEffort).score
            trials[quality] = value
            return value
        }
        // The lowest quality in `qualities` whose trial scores at least `aim`, or the highest.
        func lowestTrial(reaching aim: Double, in qualities: ClosedRange<Int>) throws(QualitySearchError) -> Int {
            var (low, high) = (qualities.lowerBound, qualities.upperBound)
            while low < high {
                let middle = (low + high) / 2
                if try trial(middle) >= aim {
                    high = middle
                } else {
                    low = middle + 1
                }
            }
            return high
        }
        var quality = try lowestTrial(reaching: target, in: Self.qualities)
        var kept = try score(format, quality: quality, effort: finalEffort)
        // The final effort's gain over the trials' at that quality, taken to hold nearby: the
        // lowest quality whose trial reaches the target less that gain is where the final effort
        // should just reach it (AVIF 4 gains about 1.7 points over effort 0, JPEG XL 5 about 2.1
        // over 4). The steps below correct what the model misses.
        let gain = kept.score - (try trial(quality))
        let bisected = (quality: quality, kept: kept)
        if gain > 0, quality > Self.qualities.lowerBound {
            let predicted = try lowestTrial(reaching: target - gain, in: Self.qualities.lowerBound...quality)
            if predicted < quality {
                quality = predicted
                kept = try score(format, quality: quality, effort: finalEffort)
            }
        }
        var steps = 0
        if kept.score >= target {
            // Step down while the final effort still reaches the target.
            while quality > Self.qualities.lowerBound, steps < Self.maxSteps {
                let lower = try score(format, quality: quality - 1, effort: finalEffort)
                guard lower.score >= target else { break }
                (quality, kept, steps) = (quality - 1, lower, steps + 1)
            }
        } else {
            while kept.score < target, quality < Self.qualities.upperBound, steps < Self.maxSteps {
                quality += 1
                steps += 1
                kept = try score(format, quality: quality, effort: finalEffort)
            }
            // A model that aimed too low, past what the steps make up: the bisected quality,
            // whose final encode gained on a trial that reached the target, does.
            if kept.score < target, bisected.kept.score >= target {
                (quality, kept) = bisected
            }
        }
        return Outcome(bytes: kept.bytes, quality: quality, score: kept.score, target: target)
    }
}

/// Why a quality search ended without an encode: libvips failed, or the metric refused the pair.
enum QualitySearchError: Error {
    case vips(VipsError)
    case metric(SSIMULACRA2Error)

    /// The failure as a job reports it: the metric's refusal (an image under 8×8) as a failed encode.
    var serviceError: ImageServiceError {
        switch self {
        case .vips(let error): .vips(error)
        case .metric(let error): .vips(.encodeFailed("the quality search cannot score it: \(error.reason)"))
        }
    }

    static func vips<Value>(_ body: () throws(VipsError) -> Value) throws(QualitySearchError) -> Value {
        do { return try body() } catch { throw .vips(error) }
    }

    static func metric<Value>(_ body: () throws(SSIMULACRA2Error) -> Value) throws(QualitySearchError) -> Value {
        do { return try body() } catch { throw .metric(error) }
    }
}
