/// What the encoders that a deadline cannot stop cost, so that an encode that cannot finish in
/// the time a job has left is refused before it starts instead of overrunning the deadline.
///
/// libvips 8.14's JPEG and PNG savers write rows as the pipeline computes them, so the budget's
/// kill flag stops them at the next tile. Its WebP, AVIF (libheif 1.15 and libaom), JPEG XL and
/// GIF savers first collect the whole image, then hand it to the library in one call that nothing
/// interrupts (8.14's webpsave sets no `WebPPicture.progress_hook`): measured, a kill flag set
/// 0.2 s into a 2048 × 1220 encode stopped PNG at 0.3 s, but WebP ran its full 0.47 s, GIF
/// 1.6 s and AVIF at effort 4 19 s. For those four the worst case is estimated from the output
/// pixels and the effort, and refused when it exceeds the time left.
///
/// The figures are nanoseconds of one core per output pixel at quality 100 (the slowest; q75
/// takes half to two thirds), the largest of the runs of `Benchmarks/encoder-cost.sh` (1024 ×
/// 610 to 2048 × 1220 resizes of `TestImages/large-20mp.jpg`, AVIF's high efforts at 512 × 305,
/// one libvips thread) on the development machine, 2 cores, while one other build ran. They
/// agree with the 40 MP WebP at q100: about 11 s of encoding, 275 ns a pixel. Efforts
/// between two measured ones are interpolated linearly, which overestimates the convex growth of
/// cost with effort. `safetyFactor` covers larger images' cache misses and a machine up to twice
/// as slow; with several more builds running, encodes there ran 3 to 5 times slower, which only
/// the worker processes' hard kill at the deadline will bound.
public enum EncoderCost {
    /// Measured nanoseconds per pixel by effort, ascending, for the formats the budget cannot stop.
    static let nanosecondsPerPixel: [ImageFormat: [(effort: Int, nanoseconds: Double)]] = [
        .webp: [(0, 80), (2, 260), (4, 300), (6, 750)],
        .avif: [(0, 1_000), (2, 1_400), (4, 7_100), (6, 25_000), (9, 90_000)],
        .jxl: [(3, 240), (4, 240), (5, 530), (7, 530), (9, 10_500)],
        .gif: [(1, 400), (4, 760), (7, 1_650), (10, 3_200)],
    ]

    /// How much slower than measured an encode is assumed to run at worst.
    static let safetyFactor = 2.0

    /// The most seconds encoding `pixels` pixels (over all frames) as `format` at `effort` is
    /// expected to take, or nil when the budget stops that encoder by itself (JPEG, PNG).
    public static func worstCaseSeconds(format: ImageFormat, effort: Int, pixels: Int) -> Double? {
        guard let table = nanosecondsPerPixel[format], let first = table.first, let last = table.last else { return nil }
        let nanoseconds: Double
        if effort <= first.effort {
            nanoseconds = first.nanoseconds
        } else if effort >= last.effort {
            nanoseconds = last.nanoseconds
        } else {
            let upper = table.firstIndex { $0.effort >= effort } ?? table.count - 1
            let (low, high) = (table[upper - 1], table[upper])
            let fraction = Double(effort - low.effort) / Double(high.effort - low.effort)
            nanoseconds = low.nanoseconds + fraction * (high.nanoseconds - low.nanoseconds)
        }
        return Double(max(0, pixels)) * nanoseconds * safetyFactor / 1e9
    }
}

extension EvaluationBudget {
    /// Whether an encode of `pixels` pixels as `format` at `effort` can finish in the time left:
    /// always for the encoders the budget stops by itself, else when its worst case fits.
    public func canFinishEncoding(_ format: ImageFormat, effort: Int, pixels: Int) -> Bool {
        guard let seconds = EncoderCost.worstCaseSeconds(format: format, effort: effort, pixels: pixels) else { return true }
        return seconds <= secondsLeft
    }
}
