import Testing

@testable import ImgEdge

@Suite("rotate, flip, crop, fp, trim and pad in the query")
struct GeometryOptionsTests {
    @Test(
        "each parses to its field",
        arguments: [
            ("rotate=90", ProcessingOptions(rotation: .quarter)),
            ("rotate=0", ProcessingOptions()),
            ("flip=hv", ProcessingOptions(flip: .both)),
            ("crop=10,20,300,200", ProcessingOptions(crop: CropRegion(x: 10, y: 20, width: 300, height: 200, unit: .pixels))),
            ("crop=0,0.25,0.5,1", ProcessingOptions(crop: CropRegion(x: 0, y: 0.25, width: 0.5, height: 1, unit: .fractions))),
            ("fp=0.2,1", ProcessingOptions(focalPoint: FocalPoint(x: 0.2, y: 1))),
            ("trim", ProcessingOptions(trimThreshold: 10)),
            ("trim=", ProcessingOptions(trimThreshold: 10)),
            ("trim=40", ProcessingOptions(trimThreshold: 40)),
            ("pad=8", ProcessingOptions(padding: Padding(top: 8, right: 8, bottom: 8, left: 8))),
            ("pad=1,2", ProcessingOptions(padding: Padding(top: 1, right: 2, bottom: 1, left: 2))),
            ("pad=1,2,3", ProcessingOptions(padding: Padding(top: 1, right: 2, bottom: 3, left: 2))),
            ("pad=1,2,3,4", ProcessingOptions(padding: Padding(top: 1, right: 2, bottom: 3, left: 4))),
            ("pad=1,2,3,4&dpr=1.5", ProcessingOptions(padding: Padding(top: 2, right: 3, bottom: 5, left: 6))),
        ])
    func parses(query: String, expected: ProcessingOptions) throws {
        #expect(try parse(query) == expected)
    }

    @Test(
        "a malformed value is a 400 naming the parameter",
        arguments: [
            "rotate=45", "rotate=360", "rotate=-90", "flip=x", "flip=", "crop=1,2,3", "crop=1,2,3,4,5", "crop=0,0,0,10",
            "crop=0,0,1.5,0.5", "crop=-1,0,10,10", "crop=0.1,0.1,0,0.5", "crop=a,b,c,d", "fp=0.5", "fp=1.1,0", "fp=0.5,0.5,0.5",
            "trim=256", "trim=x", "pad=1,2,3,4,5", "pad=", "pad=-1", "pad=9000",
        ])
    func refuses(query: String) {
        let name = String(query.prefix { $0 != "=" })
        #expect {
            try parse(query)
        } throws: { error in
            guard case .invalidValue(let named, _, _) = error as? OptionsError else { return false }
            return named == name
        }
    }

    @Test("each is part of the cache key only when set, so older keys stay as they were")
    func cacheKey() throws {
        #expect(try parse("w=10&rotate=0").cacheKey == ProcessingOptions(width: 10).cacheKey)
        let keys = try ["rotate=90", "flip=h", "crop=0,0,5,5", "crop=0,0,0.5,0.5", "trim", "fp=0.5,0.5", "pad=1", "pad=2"]
            .map { try parse("w=10&\($0)").cacheKey }
        #expect(Set(keys).count == keys.count)
        #expect(try parse("w=10&pad=1,2,1,2").cacheKey == parse("w=10&pad=1,2").cacheKey)
    }
}
