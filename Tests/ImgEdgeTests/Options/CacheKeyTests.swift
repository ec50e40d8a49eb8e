import Testing
import Vips

@testable import ImgEdge

@Suite("ProcessingOptions.cacheKey")
struct CacheKeyTests {
    @Test("The key is v2: and the options as JSON with sorted keys, absent options left out")
    func format() throws {
        #expect(
            try parse("w=400&dpr=2&fit=cover&q=75&fm=webp").cacheKey
                == #"v2:{"answer":"image","background":{"alpha":255,"blue":255,"green":255,"red":255},"enlarge":false,"#
                + #""fit":"cover","format":"webp","gravity":"centre","passthrough":{},"quality":75,"rotation":0,"savesData":false,"#
                + #""width":800}"#)
    }

    /// One change of each stored option from the defaults, by the option's name.
    private static let changes: [String: @Sendable (inout ProcessingOptions) -> Void] = [
        "width": { $0.width = 10 }, "height": { $0.height = 10 }, "fit": { $0.fit = .cover },
        "gravity": { $0.gravity = .north }, "quality": { $0.quality = 50 }, "format": { $0.format = .webp },
        "enlarge": { $0.enlarge = true }, "background": { $0.background = RGBColor(red: 0, green: 0, blue: 0) },
        "rotation": { $0.rotation = .quarter }, "flip": { $0.flip = .horizontal },
        "crop": { $0.crop = CropRegion(x: 0, y: 0, width: 10, height: 10, unit: .pixels) },
        "trimThreshold": { $0.trimThreshold = 10 }, "focalPoint": { $0.focalPoint = FocalPoint(x: 0.25, y: 0.75) },
        "padding": { $0.padding = Padding(top: 1, right: 2, bottom: 3, left: 4) }, "savesData": { $0.savesData = true },
        "answer": { $0.answer = .placeholder },
    ]

    @Test("Every stored option is in the key: changed alone, each changes it, and this test names every one")
    func everyOptionKeyed() {
        let options = Set(Mirror(reflecting: ProcessingOptions()).children.compactMap(\.label))
        #expect(Set(Self.changes.keys) == options.subtracting(["passthrough"]), "a new option needs a change here")
        let base = ProcessingOptions().cacheKey
        var keys: Set<String> = [base]
        for (name, change) in Self.changes {
            var changed = ProcessingOptions()
            change(&changed)
            #expect(changed.cacheKey != base, "\(name)")
            #expect(changed.cacheKey.contains("\"\(name)\":"), "\(name) is named in the key")
            keys.insert(changed.cacheKey)
        }
        #expect(keys.count == Self.changes.count + 1)
    }

    @Test(
        "Queries that mean the same options give the same key",
        arguments: [
            ("w=400&dpr=2", "width=800&fit=inside"),
            ("", "fit=inside&gravity=centre&format=auto&enlarge=0&bg=ffffff"),
            ("gravity=center", "gravity=centre"), ("fm=jpg", "format=jpeg"),
            ("bg=fff", "background=#FFFFFFFF"), ("bg=f00", "bg=ff0000ff"), ("enlarge=1", "enlarge=true"),
            ("w=1&h=2", "h=2&w=1"), ("q=80&fit=cover", "fit=cover&quality=80"),
            ("w=333&dpr=1.5", "w=500"), ("dpr=2", ""), ("w=10&dpr=1.0", "w=10&dpr=1"),
        ])
    func equivalent(first: String, second: String) throws {
        #expect(try parse(first).cacheKey == parse(second).cacheKey)
    }

    @Test("Different options give different keys")
    func different() throws {
        let queries = [
            "", "w=100", "h=100", "w=100&h=100", "w=100&h=200", "w=200&h=100", "w=101", "w=100&dpr=1.5",
            "fit=cover", "fit=contain", "fit=fill", "fit=outside", "gravity=north", "gravity=attention",
            "gravity=entropy", "q=80", "q=81", "fm=webp", "fm=avif", "fm=png", "fm=gif", "fm=jxl", "fm=jpeg",
            "enlarge=1", "bg=000", "bg=ffffff00", "bg=fffffffe", "w=100&fit=cover&gravity=north",
        ]
        let keys = try queries.map { query throws(OptionsError) in try parse(query).cacheKey }
        #expect(Set(keys).count == queries.count)
    }

    @Test("Passthrough values are not part of the key")
    func passthroughIgnored() throws {
        let names: Set<String> = ["sig", "filter"]
        #expect(
            try parse("w=10&sig=a&filter=b", passthroughNames: names).cacheKey
                == parse("w=10", passthroughNames: names).cacheKey)
    }

    @Test(
        "format=json and format=thumbhash are keyed on the answer alone: sizes, geometry and encoder options change nothing",
        arguments: ["json", "thumbhash"])
    func answersAboutTheSource(answer: String) throws {
        let plain = try parse("format=\(answer)").cacheKey
        #expect(plain == ProcessingOptions(answer: Answer(rawValue: answer)!).cacheKey)
        for query in [
            "w=10", "w=11", "w=10&h=20&dpr=2", "q=50", "fit=cover&gravity=north", "crop=0,0,10,10", "rotate=90", "flip=h",
            "trim=", "pad=4", "bg=000", "enlarge=1", "fp=0.1,0.2",
        ] {
            #expect(try parse("\(query)&format=\(answer)").cacheKey == plain, "\(query)")
        }
        #expect(try parse("format=json").cacheKey != parse("format=thumbhash").cacheKey)
    }

    @Test(
        "format=lqip is keyed on the box it is rendered in: sizes with the same ≤ 32 px box share a key",
        arguments: [
            ("w=100&h=50", "w=200&h=100"), ("w=64&h=64", "w=32&h=32"), ("w=100&h=49", "w=640&h=320"), ("w=40", "w=4000"),
            ("w=25&dpr=2", "w=32"), ("", "w=32&h=32"), ("h=50", "h=33"),
        ])
    func placeholderBoxes(first: String, second: String) throws {
        #expect(try parse("\(first)&format=lqip").cacheKey == parse("\(second)&format=lqip").cacheKey)
    }

    @Test("format=lqip boxes of another shape or size, or other options, have other keys")
    func placeholderBoxesDiffer() throws {
        let queries = [
            "w=100&h=50", "w=100&h=100", "w=50&h=100", "w=10", "w=11", "h=10", "w=100&h=50&fit=cover", "w=100&h=50&q=60",
        ]
        let keys = try queries.map { query throws(OptionsError) in try parse("\(query)&format=lqip").cacheKey }
        #expect(Set(keys).count == queries.count)
    }
}
