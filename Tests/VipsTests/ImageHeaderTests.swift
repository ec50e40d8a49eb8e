import Testing

@testable import Vips

/// One test image and what its header must say.
struct HeaderCase: Sendable, CustomTestStringConvertible {
    let file: String
    let width: Int
    let height: Int
    var frames = 1
    var hasAlpha = false
    let loader: String

    var testDescription: String { file }
}

@Suite("ImageHeader")
struct ImageHeaderTests {
    @Test("a still JPEG reports its size, one frame, no alpha and orientation 1")
    func landscape() throws {
        let header = try ImageHeader(reading: TestImages.load("landscape.jpg"))
        #expect(
            header == ImageHeader(width: 1280, height: 720, frames: 1, hasAlpha: false, orientation: 1, loader: "jpegload_buffer")
        )
        #expect(header.pixelCount == 1280 * 720)
    }

    @Test(
        "every input format's header gives its size, frames, alpha and loader",
        arguments: [
            HeaderCase(file: "landscape.png", width: 1280, height: 720, loader: "pngload_buffer"),
            HeaderCase(file: "landscape.webp", width: 1280, height: 720, loader: "webpload_buffer"),
            HeaderCase(file: "landscape.avif", width: 1280, height: 720, loader: "heifload_buffer"),
            HeaderCase(file: "landscape.tiff", width: 1280, height: 720, loader: "tiffload_buffer"),
            HeaderCase(file: "landscape-progressive.jpg", width: 1280, height: 720, loader: "jpegload_buffer"),
            HeaderCase(file: "landscape-16bit.png", width: 1280, height: 720, loader: "pngload_buffer"),
            HeaderCase(file: "grayscale.jpg", width: 1280, height: 720, loader: "jpegload_buffer"),
            HeaderCase(file: "cmyk.jpg", width: 1280, height: 720, loader: "jpegload_buffer"),
            HeaderCase(file: "portrait.jpg", width: 1000, height: 1502, loader: "jpegload_buffer"),
            HeaderCase(file: "tiny.png", width: 1, height: 1, loader: "pngload_buffer"),
            HeaderCase(file: "alpha.png", width: 600, height: 338, hasAlpha: true, loader: "pngload_buffer"),
            HeaderCase(file: "animated.gif", width: 300, height: 200, frames: 5, loader: "gifload_buffer"),
            HeaderCase(file: "animated.webp", width: 300, height: 200, frames: 5, loader: "webpload_buffer"),
            // Only the first 40 % of the bytes, but the header is all there.
            HeaderCase(file: "truncated.jpg", width: 1280, height: 720, loader: "jpegload_buffer"),
        ])
    func formats(expected: HeaderCase) throws {
        let header = try ImageHeader(reading: TestImages.load(expected.file))
        #expect(header.width == expected.width)
        #expect(header.height == expected.height)
        #expect(header.frames == expected.frames)
        #expect(header.hasAlpha == expected.hasAlpha)
        #expect(header.orientation == 1)
        #expect(header.loader == expected.loader)
    }

    @Test("every EXIF orientation reports the displayed 600x400 size and its own orientation", arguments: 1...8)
    func orientation(orientation: Int) throws {
        let header = try ImageHeader(reading: TestImages.load("exif-orientation-\(orientation).jpg"))
        #expect(header.orientation == orientation)
        #expect(header.width == 600)
        #expect(header.height == 400)
    }

    @Test("orientation 6 is stored 400x600 and reported turned, as 600x400")
    func turned() throws {
        let header = try ImageHeader(reading: TestImages.load("exif-orientation-6.jpg"))
        #expect(header.orientation == 6)
        #expect((header.width, header.height) == (600, 400))
    }

    @Test(
        "bytes that are no image throw unreadableHeader",
        arguments: [
            "not-an-image.jpg", "SOURCES.md",
        ])
    func unreadableFile(file: String) throws {
        let source = try TestImages.load(file)
        try expectUnreadable(source)
    }

    @Test(
        "empty, tiny and garbage buffers throw unreadableHeader",
        arguments: [
            [], [0xFF], [0xFF, 0xD8, 0xFF], Array("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8),
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0],
        ] as [[UInt8]])
    func unreadableBytes(bytes: [UInt8]) throws {
        try Libvips.start()
        try expectUnreadable(SourceBytes(bytes))
    }

    @Test("a 20000x20000 pixel bomb's header is read without decoding its 400 million pixels")
    func pixelBomb() throws {
        let source = try TestImages.load("huge-dimensions.png")
        let clock = ContinuousClock()
        var header: ImageHeader?
        let elapsed = try clock.measure {
            header = try ImageHeader(reading: source)
        }
        #expect(header?.width == 20000)
        #expect(header?.height == 20000)
        #expect(header?.pixelCount == 400_000_000)
        // Decoding would inflate and convert 400 Mpx (seconds); the header is a few hundred bytes.
        #expect(elapsed < .milliseconds(500))
    }

    private func expectUnreadable(_ source: SourceBytes, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let error = #expect(throws: VipsError.self, sourceLocation: sourceLocation) {
            try ImageHeader(reading: source)
        }
        guard case .unreadableHeader = error else {
            Issue.record("expected unreadableHeader, got \(String(describing: error))", sourceLocation: sourceLocation)
            return
        }
    }
}
