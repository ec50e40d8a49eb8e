import ImageTestSupport
import Testing

@testable import Vips

@Suite("Image orientation and colour")
struct ThumbnailAppearanceTests {
    /// The upright reference: orientation 1, 60x40.
    static func reference() throws -> Fingerprint {
        try pixels(thumbnail("exif-orientation-1.jpg", ThumbnailRequest(width: 60, height: nil))).fingerprint()
    }

    @Test("every EXIF orientation comes out upright, like orientation 1", arguments: 1...8)
    func upright(orientation: Int) throws {
        let image = try thumbnail("exif-orientation-\(orientation).jpg", ThumbnailRequest(width: 60, height: nil))
        #expect((image.width, image.frameHeight) == (60, 40))
        let fingerprint = try pixels(image).fingerprint()
        let reference = try Self.reference()
        #expect(fingerprint.distance(to: reference) < 6)
        // The fingerprint tells orientations apart: a mirrored or turned picture is far away.
        #expect(fingerprint.distance(to: reference.mirroredHorizontally) > 30)
        #expect(fingerprint.distance(to: reference.mirroredVertically) > 30)
        #expect(fingerprint.distance(to: reference.turnedHalfway) > 30)
    }

    @Test(
        "every input format decodes to the same picture as the JPEG it was made from",
        arguments: [
            "landscape.png", "landscape.webp", "landscape.avif", "landscape.tiff", "landscape-progressive.jpg",
            "landscape-16bit.png",
        ])
    func samePicture(file: String) throws {
        let request = ThumbnailRequest(width: 160, height: nil)
        let reference = try pixels(thumbnail("landscape.jpg", request))
        let image = try thumbnail(file, request)
        #expect((image.width, image.frameHeight) == (160, 90))
        // Lossy re-encoding costs about 1.3 of 255; a wrong decode costs tens.
        #expect(try pixels(image).meanAbsoluteDifference(from: reference) < 3)
    }

    @Test("a CMYK source decodes to a colour picture close to its sRGB original")
    func cmyk() throws {
        let request = ThumbnailRequest(width: 160, height: nil)
        let reference = try pixels(thumbnail("landscape.jpg", request))
        let image = try pixels(thumbnail("cmyk.jpg", request))
        // The trip through libvips' default CMYK profile is not exact (about 13 of 255 here);
        // inverted or misread channels are far worse.
        #expect(image.meanAbsoluteDifference(from: reference) < 20)
        let coloured = (0..<image.width * image.height).filter { Set(image.samples[$0 * 3..<$0 * 3 + 3]).count > 1 }
        #expect(coloured.count > image.width * image.height * 9 / 10)
    }

    @Test(
        "CMYK, grey and 16-bit sources come out as 3-band 8-bit sRGB",
        arguments: [
            "cmyk.jpg", "grayscale.jpg", "landscape-16bit.png",
        ])
    func eightBitRGB(file: String) throws {
        let image = try thumbnail(file, ThumbnailRequest(width: 160, height: nil))
        #expect(image.hasAlpha == false)
        let header = try #require(PNGHeader(png(image)))
        #expect(header.bitDepth == 8)
        #expect(header.colourType == PNGHeader.rgb)
    }

    @Test("a grey source stays grey: every pixel has equal red, green and blue")
    func grey() throws {
        let image = try pixels(thumbnail("grayscale.jpg", ThumbnailRequest(width: 160, height: nil)))
        #expect(image.bands == 3)
        let coloured = (0..<image.width * image.height).filter { index in
            let pixel = image.samples[index * 3..<index * 3 + 3]
            return Set(pixel).count != 1
        }
        #expect(coloured.isEmpty)
        // And it is a picture, not a flat field.
        #expect(Set(image.samples).count > 50)
    }
}

@Suite("Image alpha")
struct AlphaTests {
    @Test("alpha is kept: the corners of alpha.png are transparent and its centre opaque")
    func kept() throws {
        let image = try thumbnail("alpha.png", ThumbnailRequest(width: 300, height: nil))
        #expect(image.hasAlpha == true)
        let encoded = try png(image)
        #expect(PNGHeader(encoded)?.colourType == PNGHeader.rgba)
        let pixels = try Pixels(decoding: encoded)
        #expect(pixels.bands == 4)
        #expect(pixels[0, 0][3] == 0)
        #expect(pixels[pixels.width - 1, pixels.height - 1][3] == 0)
        #expect(pixels[pixels.width / 2, pixels.height / 2][3] == 255)
    }

    @Test("flattening onto red makes transparent corners red and leaves opaque pixels alone")
    func flattened() throws {
        let request = ThumbnailRequest(width: 300, height: nil)
        let original = try pixels(thumbnail("alpha.png", request))
        let image = try thumbnail("alpha.png", request).flattened(onto: [255, 0, 0])
        #expect(image.hasAlpha == false)
        let encoded = try png(image)
        #expect(PNGHeader(encoded)?.colourType == PNGHeader.rgb)
        let flat = try Pixels(decoding: encoded)
        #expect((flat.width, flat.height, flat.bands) == (original.width, original.height, 3))
        for (x, y) in [(0, 0), (flat.width - 1, 0), (0, flat.height - 1), (flat.width - 1, flat.height - 1)] {
            #expect(flat[x, y] == [255, 0, 0], "corner \(x),\(y)")
        }
        let (x, y) = (flat.width / 2, flat.height / 2)
        #expect(flat[x, y] == Array(original[x, y].prefix(3)))
    }

    @Test("flattening an image without alpha changes nothing")
    func noAlpha() throws {
        let request = ThumbnailRequest(width: 160, height: nil)
        let original = try pixels(thumbnail("landscape.jpg", request))
        let image = try thumbnail("landscape.jpg", request).flattened(onto: [255, 0, 0])
        #expect(image.hasAlpha == false)
        #expect(try pixels(image).samples == original.samples)
    }
}
