import Foundation
import Testing
import Vips

@testable import ImgEdge

@Suite("The quality search: the lowest quality reaching a target score on the image")
struct QualitySearchTests {
    /// landscape.jpg at 480 px wide, computed into memory, as a render hands it to the encoder.
    static func photo() throws -> Image {
        try Libvips.start()
        let source = try Data(contentsOf: URL(fileURLWithPath: "\(testImagesDirectory)/landscape.jpg"))
        return try Image.thumbnail(of: SourceBytes(source), ThumbnailRequest(width: 480, height: nil)).materialized()
    }

    @Test(
        "the encode kept reaches the target, and one quality step below the trials fall short of it",
        arguments: [ImageFormat.webp, .avif])
    func reachesTargetAtLowestQuality(format: ImageFormat) throws {
        let image = try Self.photo()
        let search = QualitySearch(format: format, trialEffort: 0, finalEffort: 0, target: nil)
        let outcome = try search.run(on: image)
        let jpegScore = try QualitySearch.score(of: image.encoded(as: .jpeg, quality: 80, effort: 0), against: image)
        #expect(abs(outcome.target - jpegScore) < 1e-9, "the default target is JPEG q80's score on the image")
        #expect(QualitySearch.qualities.contains(outcome.quality))
        #expect(outcome.score >= outcome.target, "q\(outcome.quality) scores \(outcome.score) < \(outcome.target)")
        #expect(abs(try QualitySearch.score(of: outcome.bytes, against: image) - outcome.score) < 1e-9)
        if outcome.quality > QualitySearch.qualities.lowerBound {
            let below = try QualitySearch.score(
                of: image.encoded(as: format, quality: outcome.quality - 1, effort: 0), against: image)
            #expect(below < outcome.target, "q\(outcome.quality - 1) already scores \(below) >= \(outcome.target)")
        }
    }

    @Test(
        "with a higher final effort, the encode kept reaches the target and the one a quality below at that effort does not",
        arguments: [(ImageFormat.webp, 4, 6), (.avif, 0, 4)])
    func finalEffortLandsOnTarget(format: ImageFormat, trialEffort: Int, finalEffort: Int) throws {
        let image = try Self.photo()
        let outcome = try QualitySearch(format: format, trialEffort: trialEffort, finalEffort: finalEffort, target: nil)
            .run(on: image)
        #expect(outcome.score >= outcome.target)
        #expect(abs(try QualitySearch.score(of: outcome.bytes, against: image) - outcome.score) < 1e-9)
        let below = try QualitySearch.score(
            of: image.encoded(as: format, quality: outcome.quality - 1, effort: finalEffort), against: image)
        #expect(below < outcome.target, "q\(outcome.quality - 1) at effort \(finalEffort) already scores \(below)")
    }

    @Test("the same image and settings give the same quality and bytes")
    func deterministic() throws {
        let image = try Self.photo()
        let search = QualitySearch(format: .webp, trialEffort: 4, finalEffort: 6, target: nil)
        let (first, second) = (try search.run(on: image), try search.run(on: image))
        #expect(first.quality == second.quality)
        #expect(first.bytes == second.bytes)
    }

    @Test("a target no quality reaches ends at the highest quality searched; an easy one at the lowest")
    func boundedByQualities() throws {
        let image = try Self.photo()
        let unreachable = try QualitySearch(format: .webp, trialEffort: 0, finalEffort: 0, target: 100.5).run(on: image)
        #expect(unreachable.quality == QualitySearch.qualities.upperBound)
        let easy = try QualitySearch(format: .webp, trialEffort: 0, finalEffort: 0, target: -1000).run(on: image)
        #expect(easy.quality == QualitySearch.qualities.lowerBound)
    }

    @Test("a lower target gives a lower quality and fewer bytes")
    func lowerTargetFewerBytes() throws {
        let image = try Self.photo()
        let high = try QualitySearch(format: .jxl, trialEffort: 4, finalEffort: 4, target: 85).run(on: image)
        let low = try QualitySearch(format: .jxl, trialEffort: 4, finalEffort: 4, target: 70).run(on: image)
        #expect(low.quality < high.quality)
        #expect(low.bytes.count < high.bytes.count)
        #expect(low.score >= 70 && high.score >= 85)
    }
}
