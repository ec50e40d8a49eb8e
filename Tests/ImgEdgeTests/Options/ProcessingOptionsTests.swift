import Testing
import Vips

@testable import ImgEdge

/// Parses a raw query like `w=1&h=2` (split on `&` and the first `=`, no percent-decoding;
/// `w=` and `w` both have an empty value).
func parse(
    _ query: String,
    maxOutputDimension: Int = 8192,
    passthroughNames: Set<String> = []
) throws(OptionsError) -> ProcessingOptions {
    let pairs = query.split(separator: "&").map { pair in
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        return (name: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
    }
    return try ProcessingOptions(query: pairs, maxOutputDimension: maxOutputDimension, passthroughNames: passthroughNames)
}

@Suite("Sizes, dpr and the output limit")
struct ProcessingOptionsTests {
    @Test("An empty query gives the documented defaults")
    func defaults() throws {
        let options = try parse("")
        #expect(options == ProcessingOptions())
        #expect(options.width == nil && options.height == nil)
        #expect(options.fit == .inside && options.gravity == .centre)
        #expect(options.quality == nil && options.format == nil)
        #expect(options.enlarge == false)
        #expect(options.background == RGBColor(red: 255, green: 255, blue: 255, alpha: 255))
        #expect(options.passthrough.isEmpty)
    }

    @Test("The product's example query parses to every field")
    func fullExample() throws {
        let options = try parse("w=800&h=600&fit=cover&q=75&format=auto&dpr=2&gravity=north&enlarge=1&bg=ffffff")
        #expect(
            options
                == ProcessingOptions(
                    width: 1600, height: 1200, fit: .cover, gravity: .north, quality: 75,
                    format: nil, enlarge: true, background: .white))
    }

    @Test(
        "Width and height accept integers from 1 to the limit, under short and long names",
        arguments: ["w", "width", "h", "height"], [1, 2, 800, 8191, 8192])
    func validSize(name: String, value: Int) throws {
        let options = try parse("\(name)=\(value)")
        let size = name.hasPrefix("w") ? options.width : options.height
        let other = name.hasPrefix("w") ? options.height : options.width
        #expect(size == value)
        #expect(other == nil)
    }

    @Test("Leading zeros are only a spelling: w=0800 is w=800")
    func leadingZeros() throws {
        #expect(try parse("w=0800") == parse("w=800"))
    }

    @Test(
        "Width and height reject anything but an integer from 1 to the limit",
        arguments: ["w", "width", "h", "height"],
        [
            "0", "8193", "", "-1", "-0", "+5", "1.5", "1.0", "abc", " 5", "5 ", "1e3", "0x10",
            "99999999999999999999", "9223372036854775807", "\u{663}", "\u{FF11}", "5\u{0}",
        ])
    func invalidSize(name: String, value: String) {
        #expect(throws: OptionsError.invalidValue(name: name, value: value, expected: "an integer from 1 to 8192")) {
            try parse("\(name)=\(value)")
        }
    }

    @Test("The size range follows maxOutputDimension", arguments: [(100, true), (101, false)])
    func customLimit(value: Int, valid: Bool) throws {
        if valid {
            #expect(try parse("w=\(value)", maxOutputDimension: 100).width == value)
        } else {
            #expect(throws: OptionsError.invalidValue(name: "w", value: "\(value)", expected: "an integer from 1 to 100")) {
                try parse("w=\(value)", maxOutputDimension: 100)
            }
        }
    }

    @Test(
        "dpr multiplies width and height, rounding halves away from zero",
        arguments: [
            ("w=100&dpr=1", 100, nil), ("w=100&dpr=1.0", 100, nil), ("w=100&dpr=1.25", 125, nil),
            ("w=100&dpr=2", 200, nil), ("w=100&dpr=4", 400, nil), ("w=100&dpr=4.0", 400, nil),
            ("w=333&dpr=1.5", 500, nil), ("h=333&dpr=1.5", nil, 500), ("w=1&dpr=1.5", 2, nil),
            ("w=7&dpr=2.5", 18, nil), ("w=3&dpr=1.1", 3, nil), ("w=100&dpr=3.999", 400, nil),
            ("w=100&h=50&dpr=2", 200, 100), ("dpr=3&w=10&h=20", 30, 60),
        ] as [(String, Int?, Int?)])
    func dprScaling(query: String, width: Int?, height: Int?) throws {
        let options = try parse(query)
        #expect(options.width == width)
        #expect(options.height == height)
    }

    @Test("dpr without a size changes nothing")
    func dprAlone() throws {
        #expect(try parse("dpr=2") == ProcessingOptions())
    }

    @Test(
        "dpr rejects anything but a plain number from 1 to 4",
        arguments: [
            "0", "0.5", "0.99", "4.01", "4.5", "5", "-1", "+2", "", "nan", "NaN", "inf", "infinity",
            "1e0", ".5", "1.", "1..5", "1.2.3", "2,5", "0x2", " 2", "\u{FF12}",
            "99999999999999999999999999", String(repeating: "9", count: 400),
        ])
    func invalidDpr(value: String) {
        #expect(throws: OptionsError.invalidValue(name: "dpr", value: value, expected: "a number from 1 to 4")) {
            try parse("dpr=\(value)")
        }
    }

    @Test(
        "Pixel sizes over the limit after dpr are errors naming the parameter as given",
        arguments: [
            ("w=3000&dpr=3", "w", 9000), ("dpr=3&width=3000", "width", 9000),
            ("h=2049&dpr=4", "h", 8196), ("w=10&height=5462&dpr=1.5", "height", 8193),
            ("w=8192&dpr=1.0001", "w", 8193),
        ])
    func overLimitAfterDpr(query: String, name: String, pixels: Int) {
        #expect(throws: OptionsError.tooLarge(name: name, pixels: pixels, limit: 8192)) {
            try parse(query)
        }
    }

    @Test(
        "Pixel sizes exactly at the limit after dpr are accepted",
        arguments: ["w=2048&dpr=4", "h=2048&dpr=4", "w=5461&dpr=1.5", "w=8192&dpr=1"])
    func atLimitAfterDpr(query: String) throws {
        let options = try parse(query)
        #expect((options.width ?? options.height) == 8192)
    }

    @Test("The pixel limit after dpr follows maxOutputDimension")
    func customLimitAfterDpr() throws {
        #expect(try parse("w=500&dpr=2", maxOutputDimension: 1000).width == 1000)
        #expect(throws: OptionsError.tooLarge(name: "w", pixels: 1002, limit: 1000)) {
            try parse("w=501&dpr=2", maxOutputDimension: 1000)
        }
    }
}
