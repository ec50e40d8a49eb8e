import Testing
import Vips

@testable import ImgEdge

@Suite("fit, gravity, quality, format, enlarge and background values")
struct ParameterValueTests {
    @Test("fit accepts each Fit's raw value", arguments: Fit.allCases)
    func validFit(fit: Fit) throws {
        #expect(try parse("fit=\(fit.rawValue)").fit == fit)
    }

    @Test("fit rejects other words, listing the valid ones", arguments: ["", "Cover", "crop", "scale-down", "insidex"])
    func invalidFit(value: String) {
        let expected = "one of inside, cover, contain, fill, outside"
        #expect(throws: OptionsError.invalidValue(name: "fit", value: value, expected: expected)) {
            try parse("fit=\(value)")
        }
    }

    @Test("gravity accepts each Gravity's raw value", arguments: Gravity.allCases)
    func validGravity(gravity: Gravity) throws {
        #expect(try parse("gravity=\(gravity.rawValue)").gravity == gravity)
    }

    @Test("gravity=center is an alias for centre")
    func centerAlias() throws {
        #expect(try parse("gravity=center").gravity == .centre)
    }

    @Test("gravity is accepted with any fit", arguments: Fit.allCases)
    func gravityWithAnyFit(fit: Fit) throws {
        #expect(try parse("fit=\(fit.rawValue)&gravity=entropy").gravity == .entropy)
    }

    @Test("gravity rejects other words", arguments: ["", "middle", "Centre", "CENTER", "north east", "nw", "top"])
    func invalidGravity(value: String) {
        let expected = "one of centre, north, northeast, east, southeast, south, southwest, west, northwest, attention, entropy"
        #expect(throws: OptionsError.invalidValue(name: "gravity", value: value, expected: expected)) {
            try parse("gravity=\(value)")
        }
    }

    @Test("q and quality accept integers from 1 to 100", arguments: ["q", "quality"], [1, 2, 75, 99, 100])
    func validQuality(name: String, value: Int) throws {
        #expect(try parse("\(name)=\(value)").quality == value)
    }

    @Test(
        "q and quality reject anything but an integer from 1 to 100",
        arguments: ["q", "quality"], ["0", "101", "-0", "-1", "", "75.5", "abc", "+50", "1000000000000000000000"])
    func invalidQuality(name: String, value: String) {
        #expect(throws: OptionsError.invalidValue(name: name, value: value, expected: "an integer from 1 to 100")) {
            try parse("\(name)=\(value)")
        }
    }

    @Test(
        "format and fm accept auto, every ImageFormat and jpg",
        arguments: ["format", "fm"],
        [
            ("auto", nil), ("avif", .avif), ("webp", .webp), ("jpeg", .jpeg), ("jpg", .jpeg),
            ("png", .png), ("gif", .gif), ("jxl", .jxl),
        ] as [(String, ImageFormat?)])
    func validFormat(name: String, value: (String, ImageFormat?)) throws {
        #expect(try parse("\(name)=\(value.0)").format == value.1)
    }

    @Test(
        "format and fm reject other names", arguments: ["format", "fm"], ["", "JPEG", "Auto", "tiff", "heic", "svg", "image/png"])
    func invalidFormat(name: String, value: String) {
        let expected = "one of auto, lqip, json, thumbhash, avif, webp, jpeg, png, gif, jxl"
        #expect(throws: OptionsError.invalidValue(name: name, value: value, expected: expected)) {
            try parse("\(name)=\(value)")
        }
    }

    @Test("enlarge accepts 0, 1, true and false", arguments: [("0", false), ("1", true), ("true", true), ("false", false)])
    func validEnlarge(value: String, enlarge: Bool) throws {
        #expect(try parse("enlarge=\(value)").enlarge == enlarge)
    }

    @Test("enlarge rejects other words", arguments: ["", "yes", "no", "2", "TRUE", "on", "01"])
    func invalidEnlarge(value: String) {
        #expect(throws: OptionsError.invalidValue(name: "enlarge", value: value, expected: "one of 0, 1, true, false")) {
            try parse("enlarge=\(value)")
        }
    }

    @Test(
        "bg and background accept hex colours",
        arguments: ["bg", "background"],
        [
            ("fff", .white), ("#FFFFFF", .white), ("ffffffff", .white),
            ("ff000080", RGBColor(red: 255, green: 0, blue: 0, alpha: 0x80)),
            ("000", RGBColor(red: 0, green: 0, blue: 0)), ("#abc", RGBColor(red: 0xAA, green: 0xBB, blue: 0xCC)),
            ("AbCdEf", RGBColor(red: 0xAB, green: 0xCD, blue: 0xEF)),
            ("12345678", RGBColor(red: 0x12, green: 0x34, blue: 0x56, alpha: 0x78)),
        ] as [(String, RGBColor)])
    func validBackground(name: String, value: (String, RGBColor)) throws {
        #expect(try parse("\(name)=\(value.0)").background == value.1)
    }

    @Test(
        "bg and background reject anything but 3, 6 or 8 hex digits",
        arguments: ["bg", "background"],
        [
            "zzz", "ffff", "", "#", "##fff", "ff", "fffff", "fffffff", "fffffffff", "ggg", " fff", "fff ",
            "-ff", "0xfff", "white", "\u{FF10}\u{FF10}\u{FF10}",
        ])
    func invalidBackground(name: String, value: String) {
        #expect(throws: OptionsError.invalidValue(name: name, value: value, expected: "a hex colour rgb, rrggbb or rrggbbaa")) {
            try parse("\(name)=\(value)")
        }
    }
}
