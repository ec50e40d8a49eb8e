import Perceptual
import Testing

@Suite("SSIMULACRA2 against the PyPI ssimulacra2 package")
struct SSIMULACRA2Tests {
    @Test("Each pair scores within half a point of the reference package", arguments: try ScoreTable.rows())
    func scoreMatchesReferencePackage(row: ScoreTable.Row) throws {
        let reference = try row.referencePixels()
        let distorted = try row.distortedPixels()
        let score = try SSIMULACRA2.score(
            reference: reference.pixels,
            layout: reference.layout,
            distorted: distorted.pixels,
            layout: distorted.layout
        )
        #expect(abs(score - row.score) <= 0.5, "Swift \(score), package \(row.score)")
    }

    @Test("An image scores exactly 100 against itself, with and without alpha", arguments: ["landscape.png", "alpha.png"])
    func identicalImageScoresHundred(file: String) throws {
        let row = try #require(try ScoreTable.rows().first { $0.reference == file && $0.distorted == file })
        let image = try row.referencePixels()
        var reference = try SSIMULACRA2Reference(pixels: image.pixels, layout: image.layout)
        #expect(try reference.score(distorted: image.pixels, layout: image.layout) == 100)
    }

    @Test("JPEG scores rise with quality: q20 < q50 < q80 < q95")
    func jpegScoresRiseWithQuality() throws {
        let rows = try ScoreTable.rows()
        let image = try rows[0].referencePixels()
        var reference = try SSIMULACRA2Reference(pixels: image.pixels, layout: image.layout)
        let scores = try [20, 50, 80, 95].map { quality in
            let row = try #require(rows.first { $0.distorted == "landscape-jpeg-q\(quality).png" })
            let distorted = try row.distortedPixels()
            return try reference.score(distorted: distorted.pixels, layout: distorted.layout)
        }
        #expect(scores == scores.sorted() && Set(scores).count == scores.count, "\(scores)")
    }

    @Test("A prepared reference gives the one-shot score, for each distorted image in turn")
    func preparedReferenceMatchesOneShot() throws {
        let distorted: Set = ["landscape-jpeg-q20.png", "landscape-blur.png", "landscape-noise.png"]
        let rows = try ScoreTable.rows().filter { distorted.contains($0.distorted) }
        let image = try rows[0].referencePixels()
        var reference = try SSIMULACRA2Reference(pixels: image.pixels, layout: image.layout)
        for row in rows {
            let distorted = try row.distortedPixels()
            let prepared = try reference.score(distorted: distorted.pixels, layout: distorted.layout)
            let oneShot = try SSIMULACRA2.score(
                reference: image.pixels,
                layout: image.layout,
                distorted: distorted.pixels,
                layout: distorted.layout
            )
            #expect(prepared == oneShot, "\(row.distorted)")
        }
    }
}

@Suite("SSIMULACRA2 refuses what it cannot score")
struct SSIMULACRA2ErrorTests {
    static let cases: [(reference: PixelLayout, distorted: PixelLayout, error: SSIMULACRA2Error)] = [
        (
            PixelLayout(width: 7, height: 16, bands: 3), PixelLayout(width: 7, height: 16, bands: 3),
            .tooSmall(width: 7, height: 16)
        ),
        (PixelLayout(width: 16, height: 16, bands: 2), PixelLayout(width: 16, height: 16, bands: 3), .unsupportedBands(2)),
        (
            PixelLayout(width: 16, height: 16, bands: 3), PixelLayout(width: 16, height: 17, bands: 4),
            .sizeMismatch(
                reference: PixelLayout(width: 16, height: 16, bands: 3), distorted: PixelLayout(width: 16, height: 17, bands: 4))
        ),
    ]

    @Test("Images under 8x8, other than RGB or RGBA, or of different sizes are refused", arguments: cases)
    func refusesInvalidPairs(reference: PixelLayout, distorted: PixelLayout, error: SSIMULACRA2Error) {
        let referencePixels = [UInt8](repeating: 128, count: reference.width * reference.height * reference.bands)
        let distortedPixels = [UInt8](repeating: 128, count: distorted.width * distorted.height * distorted.bands)
        #expect(throws: error) {
            try SSIMULACRA2.score(reference: referencePixels, layout: reference, distorted: distortedPixels, layout: distorted)
        }
    }

    @Test("A buffer shorter than its layout is refused")
    func refusesShortBuffer() {
        let layout = PixelLayout(width: 16, height: 16, bands: 3)
        #expect(throws: SSIMULACRA2Error.bufferTooShort(expected: 768, actual: 767)) {
            try SSIMULACRA2Reference(pixels: [UInt8](repeating: 0, count: 767), layout: layout)
        }
    }
}
