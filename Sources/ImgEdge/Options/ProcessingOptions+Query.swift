import Vips

extension ProcessingOptions {
    /// Parses options from query parameters, already percent-decoded, in the order given.
    ///
    /// Accepts `w`/`width`, `h`/`height` (CSS pixels, 1 to `maxOutputDimension`), `dpr` (1–4,
    /// decimals allowed), `fit`, `gravity` (`center` too), `q`/`quality` (1–100),
    /// `format`/`fm` (`auto`, an ``ImageFormat`` raw value, or `jpg`), `enlarge` (`0`, `1`,
    /// `true`, `false`), `bg`/`background` (see ``RGBColor/init(hex:)``), `rotate` (0, 90, 180,
    /// 270), `flip` (`h`, `v`, `hv`), `crop` (`x,y,w,h`: whole source pixels, or fractions 0–1
    /// when any of the four has a decimal point), `fp` (`x,y`, fractions 0–1), `trim` (empty
    /// for the default threshold 10, or 0–255) and `pad` (one to four CSS lengths, as CSS's
    /// `padding` reads them). Names and keyword values are case-sensitive; numbers are plain
    /// ASCII digits with no sign.
    ///
    /// Width, height and padding are multiplied by `dpr` and rounded to the nearest pixel,
    /// halves away from zero; `dpr` without a size or padding has no effect.
    ///
    /// - Parameters:
    ///   - maxOutputDimension: The largest pixel width or height allowed after `dpr`; 1 to
    ///     `Int32.max` (libvips' own coordinate limit).
    ///   - passthroughNames: Parameters that belong to other components: accepted unvalidated
    ///     and returned raw in ``passthrough``. A name the parser itself understands stays
    ///     the parser's.
    /// - Throws: The first problem found, in query order: an unknown parameter, a parameter
    ///   given twice (under the same name or an alias, passthrough names included), an invalid
    ///   value (an empty one included, but for `trim`); then a size over the limit after `dpr`.
    init(
        query: some Sequence<(name: String, value: String)>,
        maxOutputDimension: Int = 8192,
        passthroughNames: Set<String> = []
    ) throws(OptionsError) {
        precondition((1...Int(Int32.max)).contains(maxOutputDimension), "maxOutputDimension must be 1...Int32.max")
        self.init()
        var givenAs: [QueryParameter: String] = [:]
        var cssWidth: (name: String, value: Int)?
        var cssHeight: (name: String, value: Int)?
        var dpr = 1.0
        var cssPadding: Padding?
        let sizes = 1...maxOutputDimension
        let sizeExpected = "an integer from 1 to \(maxOutputDimension)"

        for (name, value) in query {
            guard let parameter = QueryParameter(name: name) else {
                guard passthroughNames.contains(name) else { throw .unknownParameter(name) }
                guard passthrough[name] == nil else { throw .duplicateParameter(name: name, earlier: name) }
                passthrough[name] = value
                continue
            }
            if let earlier = givenAs[parameter] {
                throw .duplicateParameter(name: name, earlier: earlier)
            }
            givenAs[parameter] = name

            switch parameter {
            case .width:
                let css = try Self.parse(value, for: name, expected: sizeExpected) { Self.integer($0, in: sizes) }
                cssWidth = (name, css)
            case .height:
                let css = try Self.parse(value, for: name, expected: sizeExpected) { Self.integer($0, in: sizes) }
                cssHeight = (name, css)
            case .dpr:
                dpr = try Self.parse(value, for: name, expected: "a number from 1 to 4") { Self.decimal($0, in: 1...4) }
            case .fit:
                fit = try Self.parse(value, for: name, expected: Self.fitExpected, Fit.init(rawValue:))
            case .gravity:
                gravity = try Self.parse(value, for: name, expected: Self.gravityExpected) {
                    $0 == "center" ? .centre : Gravity(rawValue: $0)
                }
            case .quality:
                quality = try Self.parse(value, for: name, expected: "an integer from 1 to 100") {
                    Self.integer($0, in: 1...100)
                }
            case .format where value == "auto":
                format = nil
            case .format where Answer(format: value) != nil:
                answer = Answer(format: value) ?? .image
            case .format:
                format = try Self.parse(value, for: name, expected: Self.formatExpected) {
                    $0 == "jpg" ? .jpeg : ImageFormat(rawValue: $0)
                }
            case .enlarge:
                enlarge = try Self.parse(value, for: name, expected: "one of 0, 1, true, false") {
                    switch $0 {
                    case "1", "true": true
                    case "0", "false": false
                    default: nil
                    }
                }
            case .background:
                background = try Self.parse(value, for: name, expected: "a hex colour rgb, rrggbb or rrggbbaa") {
                    RGBColor(hex: $0)
                }
            case .rotate:
                rotation = try Self.parse(value, for: name, expected: "one of 0, 90, 180, 270") {
                    Self.integer($0, in: 0...270).flatMap(Rotation.init(rawValue:))
                }
            case .flip:
                flip = try Self.parse(value, for: name, expected: "one of h, v, hv", Flip.init(rawValue:))
            case .crop:
                crop = try Self.parse(value, for: name, expected: Self.cropExpected, Self.cropRegion)
            case .focalPoint:
                focalPoint = try Self.parse(value, for: name, expected: "x,y: two fractions from 0 to 1", Self.focalPoint)
            case .trim:
                trimThreshold = try Self.parse(value, for: name, expected: "nothing, or a threshold from 0 to 255") {
                    (text) -> Int? in
                    text.isEmpty ? 10 : Self.integer(text, in: 0...255)
                }
            case .pad:
                cssPadding = try Self.parse(value, for: name, expected: "one to four integers from 0 to \(maxOutputDimension)") {
                    Self.list($0) { Self.integer($0, in: 0...maxOutputDimension) }.flatMap(Padding.init(css:))
                }
            }
        }

        width = try Self.pixels(cssWidth, dpr: dpr, limit: maxOutputDimension)
        height = try Self.pixels(cssHeight, dpr: dpr, limit: maxOutputDimension)
        padding = cssPadding.map { css in
            let scaled = { (length: Int) in Int((Double(length) * dpr).rounded()) }
            return Padding(top: scaled(css.top), right: scaled(css.right), bottom: scaled(css.bottom), left: scaled(css.left))
        }
        if isPlaceholder { shrinkToPlaceholder() }
    }

    /// The box scaled down so its longer side is at most ``placeholderSide``, its aspect kept,
    /// and the placeholder's quality unless one was asked for.
    private mutating func shrinkToPlaceholder() {
        let side = Self.placeholderSide
        switch (width, height) {
        case (nil, nil):
            (width, height) = (side, side)
        case (let box?, nil):
            width = min(box, side)
        case (nil, let box?):
            height = min(box, side)
        case (let boxWidth?, let boxHeight?):
            let scale = min(1, Double(side) / Double(max(boxWidth, boxHeight)))
            width = max(1, Int((Double(boxWidth) * scale).rounded()))
            height = max(1, Int((Double(boxHeight) * scale).rounded()))
        }
        quality = quality ?? Self.placeholderQuality
    }

    private static let cropExpected = "x,y,w,h: whole pixels, or fractions from 0 to 1, with w and h above 0"

    /// `x,y,w,h` in whole pixels, or in fractions when any of the four has a decimal point.
    private static func cropRegion(_ text: String) -> CropRegion? {
        let isFractions = text.contains(".")
        let numbers =
            isFractions
            ? list(text) { decimal($0, in: 0...1) }
            : list(text) { integer($0, in: 0...Int(Int32.max)).map(Double.init) }
        guard let numbers, numbers.count == 4, numbers[2] > 0, numbers[3] > 0 else { return nil }
        return CropRegion(
            x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3], unit: isFractions ? .fractions : .pixels)
    }

    /// `x,y`, each a fraction from 0 to 1.
    private static func focalPoint(_ text: String) -> FocalPoint? {
        guard let numbers = list(text, { decimal($0, in: 0...1) }), numbers.count == 2 else { return nil }
        return FocalPoint(x: numbers[0], y: numbers[1])
    }

    /// The comma-separated items of `text`, each made by `make`; nil if any is not.
    private static func list<T>(_ text: String, _ make: (String) -> T?) -> [T]? {
        var items: [T] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = make(String(item)) else { return nil }
            items.append(value)
        }
        return items
    }

    /// `make(value)`, or an ``OptionsError/invalidValue(name:value:expected:)`` if that is nil.
    private static func parse<T>(
        _ value: String,
        for name: String,
        expected: String,
        _ make: (String) -> T?
    ) throws(OptionsError) -> T {
        guard let result = make(value) else {
            throw .invalidValue(name: name, value: value, expected: expected)
        }
        return result
    }

    /// An integer in `range` written as ASCII digits only (no sign, space or exponent), or nil.
    private static func integer(_ text: String, in range: ClosedRange<Int>) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy(isDigit), let number = Int(text), range.contains(number) else {
            return nil
        }
        return number
    }

    /// A number in `range` written as ASCII digits with an optional fraction (`2`, `1.5`), or
    /// nil; signs, exponents, hex, `nan`, `inf`, `.5` and `1.` are all rejected. Client hints'
    /// numbers are read with it too.
    static func decimal(_ text: String, in range: ClosedRange<Double>) -> Double? {
        // Digit runs between dots, none empty; `Double` then rejects a second dot.
        let parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isDigit) }),
            let number = Double(text), range.contains(number)
        else {
            return nil
        }
        return number
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static let fitExpected = "one of " + Fit.allCases.map(\.rawValue).joined(separator: ", ")
    private static let gravityExpected = "one of " + Gravity.allCases.map(\.rawValue).joined(separator: ", ")
    private static let formatExpected =
        "one of auto, lqip, json, thumbhash, " + ImageFormat.allCases.map(\.rawValue).joined(separator: ", ")

    /// The pixel size of a CSS size at `dpr`, rounded half away from zero, or a
    /// ``OptionsError/tooLarge(name:pixels:limit:)`` naming the parameter if it is over `limit`.
    private static func pixels(
        _ css: (name: String, value: Int)?,
        dpr: Double,
        limit: Int
    ) throws(OptionsError) -> Int? {
        guard let css else { return nil }
        let pixels = Int((Double(css.value) * dpr).rounded())
        guard pixels <= limit else {
            throw .tooLarge(name: css.name, pixels: pixels, limit: limit)
        }
        return pixels
    }
}
