import Vips

/// Per-format quality and encoder effort used when the URL does not set `q`.
///
/// The defaults give every format at least the SSIMULACRA2 score of JPEG at q80 — the web's
/// customary setting — on 800 px photos that are not ours, at the fewest bytes whose encode
/// keeps a miss within 1.5 times the cost of the same JPEG miss, because every cache miss pays
/// it. Measured with `Benchmarks/encoders.sh` and `Benchmarks/run.sh` (BENCHMARKS.md, "Encoder
/// settings"): JPEG XL and AVIF at their lowest efforts land a third below JPEG's bytes; their
/// next efforts save a fifth more but double the cost of a miss.
struct EncodingSettings: Sendable, Hashable, Codable {
    /// Quality 1–100 by format, used when `q` is absent.
    var quality: [ImageFormat: Int] = [.jpeg: 80, .webp: 88, .avif: 77, .jxl: 83, .png: 100, .gif: 100]
    /// Encoder CPU effort by format, in each encoder's own range.
    var effort: [ImageFormat: Int] = [.webp: 4, .avif: 0, .jxl: 4, .gif: 7, .jpeg: 0, .png: 0]
    /// Whether the original's own bytes, less the metadata a render strips, are served when the
    /// render would be larger, the URL sets no `q`, and the render changed nothing the client can
    /// see: same size, no geometry, no filters, in a format it takes (`RenderJob`, `PrivateMetadata`).
    var servesOriginalIfSmaller = true
    /// The `max-age` of a variant's fast bytes, which the optimiser replaces; 0: no optimiser,
    /// every variant is lasting as first encoded.
    var optimizeAfterSeconds = 300
    /// The SSIMULACRA2 score the optimiser encodes each image to; 0: the score JPEG q80 reaches on
    /// that image (`QualitySearch`).
    var qualityTarget = 0
    /// Encoder effort of the optimised encode, by format: JPEG 1 is progressive. Where the bytes
    /// stop falling (`Benchmarks/encoders.sh`, BENCHMARKS.md "Optimised efforts"): AVIF 5 and 6
    /// give what 4 gives at more CPU, JPEG XL 6 and 7 what 5 gives.
    var optimisedEffort: [ImageFormat: Int] = [.webp: 6, .avif: 4, .jxl: 5, .jpeg: 1]

    init() {}

    /// Whether a render as `format` gets a fast stage and an optimised one (`VariantStage`).
    func optimises(_ format: ImageFormat) -> Bool {
        optimizeAfterSeconds > 0 && optimisedEffort[format] != nil
    }

    /// The quality to encode `format` with: the URL's `q`, or the format's default, lowered by
    /// `ClientHints.saveDataQualityStep` (to no less than 1) when the client saves data.
    func quality(for format: ImageFormat, requested: Int?, savingData: Bool = false) -> Int {
        if let requested { return requested }
        let standard = quality[format] ?? 80
        return savingData ? max(1, standard - ClientHints.saveDataQualityStep) : standard
    }

    /// The encoder effort for `format`.
    func effort(for format: ImageFormat) -> Int {
        effort[format] ?? 0
    }

    /// A canonical string of every setting, so a change of defaults changes ETags.
    var cacheKey: String {
        ImageFormat.allCases.map { "\($0.rawValue):\(quality[$0] ?? 0)/\(effort[$0] ?? 0)" }.joined(separator: ",")
            + (servesOriginalIfSmaller ? ",original" : "")
    }
}
