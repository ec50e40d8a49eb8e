import Testing

@testable import Vips

@Suite("Image thumbnail geometry")
struct ThumbnailGeometryTests {
    @Test(
        "a width-only box keeps the aspect ratio",
        arguments: [
            ("landscape.jpg", 400, 225),
            ("landscape.png", 640, 360),
            ("portrait.jpg", 500, 751),
            ("exif-orientation-6.jpg", 300, 200),
        ])
    func widthOnly(file: String, width: Int, height: Int) throws {
        let image = try thumbnail(file, ThumbnailRequest(width: width, height: nil))
        #expect((image.width, image.frameHeight) == (width, height))
        #expect(image.frames == 1)
    }

    @Test("a height-only box keeps the aspect ratio")
    func heightOnly() throws {
        let image = try thumbnail("landscape.jpg", ThumbnailRequest(width: nil, height: 225))
        #expect((image.width, image.frameHeight) == (400, 225))
    }

    @Test("a box fits the image inside it, bound by the side that needs the larger shrink")
    func box() throws {
        let landscape = try thumbnail("landscape.jpg", ThumbnailRequest(width: 400, height: 400))
        #expect((landscape.width, landscape.frameHeight) == (400, 225))
        let portrait = try thumbnail("portrait.jpg", ThumbnailRequest(width: 751, height: 751))
        #expect((portrait.width, portrait.frameHeight) == (500, 751))
    }

    @Test(
        "shrinkOnly never enlarges and shrinkOrEnlarge does",
        arguments: [
            ("tiny.png", 100, ThumbnailRequest.Scaling.shrinkOnly, 1, 1),
            ("tiny.png", 100, .shrinkOrEnlarge, 100, 100),
            ("landscape.jpg", 2000, .shrinkOnly, 1280, 720),
            ("landscape.jpg", 2000, .shrinkOrEnlarge, 2000, 1125),
        ])
    func enlarging(file: String, box: Int, scaling: ThumbnailRequest.Scaling, width: Int, height: Int) throws {
        let image = try thumbnail(file, ThumbnailRequest(width: box, height: box, scaling: scaling))
        #expect((image.width, image.frameHeight) == (width, height))
    }

    @Test(
        "stretch gives exactly the box, whatever the aspect ratio",
        arguments: [
            ("landscape.jpg", 300, 100), ("landscape.jpg", 100, 300), ("portrait.jpg", 640, 64), ("tiny.png", 7, 3),
        ])
    func stretch(file: String, width: Int, height: Int) throws {
        let image = try thumbnail(file, ThumbnailRequest(width: width, height: height, scaling: .stretch))
        #expect((image.width, image.frameHeight) == (width, height))
    }

    @Test(
        "every smart crop gives exactly the box",
        arguments: [
            ThumbnailRequest.SmartCrop.centre, .attention, .entropy,
        ], [("landscape.jpg", 200, 200), ("portrait.jpg", 300, 100), ("alpha.png", 100, 250)])
    func smartCrop(crop: ThumbnailRequest.SmartCrop, box: (file: String, width: Int, height: Int)) throws {
        let image = try thumbnail(box.file, ThumbnailRequest(width: box.width, height: box.height, crop: crop))
        #expect((image.width, image.frameHeight) == (box.width, box.height))
    }

    @Test("materializing keeps the size")
    func materialized() throws {
        let image = try thumbnail("landscape.jpg", ThumbnailRequest(width: 320, height: nil)).materialized()
        #expect((image.width, image.frameHeight, image.frames) == (320, 180, 1))
    }
}

@Suite("Image failures")
struct ImageFailureTests {
    @Test("a truncated JPEG fails to decode, at the latest when materialized")
    func truncated() throws {
        let source = try TestImages.load("truncated.jpg")
        let error = #expect(throws: VipsError.self) {
            let image = try Image.thumbnail(of: source, ThumbnailRequest(width: 320, height: nil)).materialized()
            _ = image.width
        }
        guard case .decodeFailed = error else {
            Issue.record("expected decodeFailed, got \(String(describing: error))")
            return
        }
    }

    @Test("the truncated JPEG's thumbnail is lazy: building it succeeds and materializing fails")
    func lazy() throws {
        let image = try thumbnail("truncated.jpg", ThumbnailRequest(width: 320, height: nil))
        #expect((image.width, image.frameHeight) == (320, 180))
        do throws(VipsError) {
            _ = try image.materialized().width
            Issue.record("materializing a truncated JPEG succeeded")
        } catch {
            guard case .decodeFailed = error else {
                Issue.record("expected decodeFailed, got \(error)")
                return
            }
        }
    }

    @Test("bytes that are no image fail the thumbnail with decodeFailed")
    func notAnImage() throws {
        let source = try TestImages.load("not-an-image.jpg")
        let error = #expect(throws: VipsError.self) {
            _ = try Image.thumbnail(of: source, ThumbnailRequest(width: 100, height: nil)).width
        }
        guard case .decodeFailed = error else {
            Issue.record("expected decodeFailed, got \(String(describing: error))")
            return
        }
    }
}
