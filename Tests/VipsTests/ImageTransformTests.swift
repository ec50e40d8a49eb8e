import ImageTestSupport
import Testing

@testable import Vips

@Suite("Image crop and letterbox")
struct CropAndLetterboxTests {
    /// landscape.jpg stretched to exactly 160x90, so the offsets below do not hang on rounding.
    static let source = ThumbnailRequest(width: 160, height: 90, scaling: .stretch)

    @Test(
        "a crop keeps the part its direction names",
        arguments: [
            (CompassDirection.centre, 40, 25), (.north, 40, 0), (.northEast, 80, 0), (.east, 80, 25),
            (.southEast, 80, 50), (.south, 40, 50), (.southWest, 0, 50), (.west, 0, 25), (.northWest, 0, 0),
        ])
    func direction(direction: CompassDirection, left: Int, top: Int) throws {
        let full = try pixels(thumbnail("landscape.jpg", Self.source))
        let image = try thumbnail("landscape.jpg", Self.source).cropped(width: 80, height: 40, keeping: direction)
        #expect((image.width, image.frameHeight) == (80, 40))
        let cut = try pixels(image)
        #expect(cut.samples == full.region(x: left..<left + 80, y: top..<top + 40).samples)
    }

    @Test("a north crop of a portrait keeps its top and a south crop its bottom")
    func northAndSouth() throws {
        let request = ThumbnailRequest(width: 100, height: nil)
        let full = try pixels(thumbnail("portrait.jpg", request))
        #expect((full.width, full.height) == (100, 150))
        let north = try pixels(thumbnail("portrait.jpg", request).cropped(width: 100, height: 100, keeping: .north))
        let south = try pixels(thumbnail("portrait.jpg", request).cropped(width: 100, height: 100, keeping: .south))
        #expect(north.fingerprint().distance(to: south.fingerprint()) > 20)
        #expect(north.fingerprint().distance(to: full.region(x: 0..<100, y: 0..<100).fingerprint()) < 1)
        #expect(south.fingerprint().distance(to: full.region(x: 0..<100, y: 50..<150).fingerprint()) < 1)
    }

    @Test("a crop larger than the frame in one dimension keeps that dimension")
    func largerThanFrame() throws {
        let image = try thumbnail("landscape.jpg", Self.source).cropped(width: 500, height: 50, keeping: .centre)
        #expect((image.width, image.frameHeight) == (160, 50))
    }

    @Test("letterboxing centres the picture on bars of the background colour")
    func letterbox() throws {
        let request = ThumbnailRequest(width: 200, height: 200)
        let picture = try pixels(thumbnail("landscape.jpg", request))
        #expect(picture.width == 200 && picture.height < 200)
        let image = try thumbnail("landscape.jpg", request).letterboxed(width: 200, height: 200, background: [0, 0, 255, 255])
        #expect((image.width, image.frameHeight) == (200, 200))
        #expect(image.hasAlpha == false)
        let boxed = try pixels(image)
        let top = (200 - picture.height) / 2
        let bars = boxed.region(x: 0..<200, y: 0..<top).samples + boxed.region(x: 0..<200, y: top + picture.height..<200).samples
        #expect(!bars.isEmpty)
        #expect(stride(from: 0, to: bars.count, by: 3).allSatisfy { Array(bars[$0..<$0 + 3]) == [0, 0, 255] })
        #expect(boxed.region(x: 0..<200, y: top..<top + picture.height).samples == picture.samples)
    }

    @Test("a transparent letterbox adds alpha: bars are transparent, the picture opaque")
    func transparentLetterbox() throws {
        let image = try thumbnail("landscape.jpg", ThumbnailRequest(width: 100, height: 100))
            .letterboxed(width: 100, height: 100, background: [0, 0, 0, 0])
        #expect(image.hasAlpha == true)
        let boxed = try pixels(image)
        #expect(boxed.bands == 4)
        #expect(boxed[50, 0][3] == 0)
        #expect(boxed[50, 99][3] == 0)
        #expect(boxed[50, 50][3] == 255)
    }
}

@Suite("Image animation")
struct AnimationTests {
    @Test("decoding every frame keeps them all, each scaled", arguments: ["animated.gif", "animated.webp"])
    func allFrames(file: String) throws {
        let image = try thumbnail(file, ThumbnailRequest(width: 150, height: nil, frames: 5))
        #expect((image.width, image.frameHeight, image.frames) == (150, 100, 5))
    }

    @Test("decoding one frame gives a still image", arguments: ["animated.gif", "animated.webp"])
    func firstFrame(file: String) throws {
        let image = try thumbnail(file, ThumbnailRequest(width: 150, height: nil, frames: 1))
        #expect((image.width, image.frameHeight, image.frames) == (150, 100, 1))
    }

    @Test("cropping and letterboxing work frame by frame", arguments: CompassDirection.allCases)
    func perFrame(direction: CompassDirection) throws {
        let request = ThumbnailRequest(width: 150, height: nil, frames: 5)
        let cropped = try thumbnail("animated.gif", request).cropped(width: 100, height: 50, keeping: direction)
        #expect((cropped.width, cropped.frameHeight, cropped.frames) == (100, 50, 5))
        let boxed = try thumbnail("animated.gif", request).letterboxed(width: 200, height: 120, background: [0, 0, 0, 255])
        #expect((boxed.width, boxed.frameHeight, boxed.frames) == (200, 120, 5))
    }

    @Test("an animated thumbnail encodes to an animated file", arguments: [ImageFormat.gif, .webp])
    func encoded(format: ImageFormat) throws {
        let image = try thumbnail("animated.gif", ThumbnailRequest(width: 150, height: nil, frames: 5))
            .cropped(width: 120, height: 80, keeping: .centre)
        let header = try ImageHeader(reading: SourceBytes(image.encoded(as: format, quality: 80, effort: 4)))
        #expect((header.width, header.height, header.frames) == (120, 80, 5))
    }
}
