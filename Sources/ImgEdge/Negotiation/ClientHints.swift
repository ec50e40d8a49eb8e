import HTTPTypes

/// What a request's client hints decide: the width of a URL that leaves it to them, the device
/// pixel ratio its `h` is multiplied by, and whether the client asks to save data.
///
/// A URL leaves the size to hints when it has neither `w` nor `dpr` and asks for an image (not
/// `format=lqip`, `json` or `thumbhash`). The width then comes from
/// `Sec-CH-Width` (or the legacy `Width`), which counts device pixels, rounded up to the next of
/// a few buckets so that a CDN keeps few variants; an `h` is multiplied by `Sec-CH-DPR` (or
/// `DPR`), rounded up to 1, 1.5, 2, 3 or 4. `Save-Data: on` lowers the default quality by
/// ``saveDataQualityStep`` when the URL has no `q`. Hints are the client's words: a malformed
/// one is ignored, never an error.
///
/// A hint sent on several field lines counts by its first line alone (`DecidingHeaders` says why).
struct ClientHints: Equatable {
    /// The width in pixels the hints ask for, bucketed; nil when the URL fixes the size or no
    /// width hint came.
    var width: Int?
    /// The device pixel ratio for a URL's `h`; nil as for `width`.
    var pixelRatio: Double?
    /// Whether the client sent `Save-Data: on` to a URL without `q`.
    var savesData = false
    /// The request headers the answer depends on because of this URL, whether or not this
    /// request sent them (their absence decided it too), for `Vary`.
    var consultedHeaders: [String] = []

    /// The quality points `Save-Data: on` takes off a format's default.
    static let saveDataQualityStep = 15
    /// The device pixel ratios a `DPR` hint is rounded up to.
    static let pixelRatios = [1, 1.5, 2, 3, 4]

    /// The hints of a request for `query` (its parameter names) with `headers`.
    init(query: [(name: String, value: String)], headers: DecidingHeaders, settings: ClientHintSettings) {
        guard settings.isEnabled else { return }
        // The options the URL gives, whichever of their names it uses (`QueryParameter` knows the aliases).
        let given = Set(query.compactMap { QueryParameter(name: $0.name) })
        // A placeholder's size is its own, and the answers about a source have none.
        guard !query.contains(where: { QueryParameter(name: $0.name) == .format && Answer(format: $0.value) != nil }) else {
            return
        }
        if given.isDisjoint(with: [.width, .dpr]) {
            consultedHeaders += ["Sec-CH-Width", "Width"]
            width = Self.positiveNumber(headers.secCHWidth ?? headers.width).map { hint in
                settings.widthBuckets.first { $0 >= Int(hint.rounded(.up)) }
                    ?? settings.widthBuckets[settings.widthBuckets.count - 1]
            }
            if given.contains(.height) {
                consultedHeaders += ["Sec-CH-DPR", "DPR"]
                pixelRatio = Self.positiveNumber(headers.secCHDPR ?? headers.dpr).map { hint in
                    Self.pixelRatios.first { $0 >= hint } ?? Self.pixelRatios[Self.pixelRatios.count - 1]
                }
            }
        }
        if !given.contains(.quality) {
            consultedHeaders.append("Save-Data")
            savesData = headers.saveData?.lowercased() == "on"
        }
    }

    /// A hint's number: digits with an optional fraction, as a URL's are written, above 0 and
    /// below 100,000.
    private static func positiveNumber(_ text: String?) -> Double? {
        guard let text, let number = ProcessingOptions.decimal(text, in: 0...100_000), number > 0, number < 100_000 else {
            return nil
        }
        return number
    }
}

extension HTTPField.Name {
    static let secCHWidth = HTTPField.Name("Sec-CH-Width")!
    static let width = HTTPField.Name("Width")!
    static let secCHDPR = HTTPField.Name("Sec-CH-DPR")!
    static let dpr = HTTPField.Name("DPR")!
    static let saveData = HTTPField.Name("Save-Data")!
    /// The response header a page sends to ask the browser for hints on its later requests.
    static let acceptCH = HTTPField.Name("Accept-CH")!
}

extension ProcessingOptions {
    /// Takes the width, the `h` multiplier and the saving of data the hints decided, sizes
    /// kept within `maxOutputDimension`.
    mutating func apply(_ hints: ClientHints, maxOutputDimension: Int) {
        if let hinted = hints.width {
            width = min(hinted, maxOutputDimension)
        }
        if let ratio = hints.pixelRatio, let cssHeight = height {
            height = min(Int((Double(cssHeight) * ratio).rounded()), maxOutputDimension)
        }
        savesData = hints.savesData
    }
}
