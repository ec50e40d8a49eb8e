import Testing

@testable import ImgEdge

@Suite("ProcessingOptions.cacheKey")
struct CacheKeyTests {
    @Test("The key has the documented format")
    func format() throws {
        #expect(try parse("w=400&dpr=2&fit=cover&q=75&fm=webp").cacheKey
            == "v1:w=800&fit=cover&gravity=centre&q=75&fm=webp&enlarge=0&bg=ffffffff")
        #expect(try parse("h=10&w=20&enlarge=1&bg=ff000080&gravity=center&fm=jpg").cacheKey
            == "v1:w=20&h=10&fit=inside&gravity=centre&fm=jpeg&enlarge=1&bg=ff000080")
        #expect(ProcessingOptions().cacheKey == "v1:fit=inside&gravity=centre&fm=auto&enlarge=0&bg=ffffffff")
    }

    @Test("Queries that mean the same options give the same key",
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
        #expect(try parse("w=10&sig=a&filter=b", passthroughNames: names).cacheKey
            == parse("w=10", passthroughNames: names).cacheKey)
    }

    @Test("format=json and format=thumbhash are keyed on the answer alone: sizes, geometry and encoder options change nothing",
          arguments: ["json", "thumbhash"])
    func answersAboutTheSource(answer: String) throws {
        let plain = try parse("format=\(answer)").cacheKey
        #expect(plain == "v1:answer=\(answer)")
        for query in [
            "w=10", "w=11", "w=10&h=20&dpr=2", "q=50", "fit=cover&gravity=north", "crop=0,0,10,10", "rotate=90", "flip=h",
            "trim=", "pad=4", "bg=000", "enlarge=1", "fp=0.1,0.2",
        ] {
            #expect(try parse("\(query)&format=\(answer)").cacheKey == plain, "\(query)")
        }
        #expect(try parse("format=json").cacheKey != parse("format=thumbhash").cacheKey)
    }

    @Test("format=lqip is keyed on the box it is rendered in: sizes with the same ≤ 32 px box share a key", arguments: [
        ("w=100&h=50", "w=200&h=100"), ("w=64&h=64", "w=32&h=32"), ("w=100&h=49", "w=640&h=320"), ("w=40", "w=4000"),
        ("w=25&dpr=2", "w=32"), ("", "w=32&h=32"), ("h=50", "h=33"),
    ])
    func placeholderBoxes(first: String, second: String) throws {
        #expect(try parse("\(first)&format=lqip").cacheKey == parse("\(second)&format=lqip").cacheKey)
    }

    @Test("format=lqip boxes of another shape or size, or other options, have other keys")
    func placeholderBoxesDiffer() throws {
        let queries = ["w=100&h=50", "w=100&h=100", "w=50&h=100", "w=10", "w=11", "h=10", "w=100&h=50&fit=cover", "w=100&h=50&q=60"]
        let keys = try queries.map { query throws(OptionsError) in try parse("\(query)&format=lqip").cacheKey }
        #expect(Set(keys).count == queries.count)
    }
}
