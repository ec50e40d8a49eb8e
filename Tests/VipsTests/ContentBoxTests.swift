import ImageTestSupport
import Testing

@testable import Vips

/// A `width` x `height` picture with no pixel near white (a gradient with a pattern of noise,
/// so that no edge of it is a line of one colour) in a white frame as wide as `edges` says:
/// top, right, bottom, left.
private func framedContent(width: Int, height: Int, edges: [Int]) throws -> Image {
    var samples = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
        for x in 0..<width {
            let index = (y * width + x) * 3
            samples[index] = UInt8(20 + x * 180 / width)
            samples[index + 1] = UInt8(20 + y * 180 / height)
            samples[index + 2] = UInt8((x * 37 + y * 91 + (x * y) % 53) % 201)
        }
    }
    try Libvips.start()
    let content = try Image.thumbnail(
        ofPixels: SourceBytes(samples), width: width, height: height, bands: 3, ThumbnailRequest(width: width, height: height))
    return try content.padded(edges: edges, background: [255, 255, 255, 255]).materialized()
}

@Suite("The content box trim cuts to")
struct ContentBoxTests {
    @Test(
        "a picture in a white frame of unequal sides gives its exact box, over 1024 px a side (searched shrunk, then refined) and under",
        arguments: [
            (1680, 1050, [23, 41, 19, 37]),  // top, right, bottom, left
            (1680, 1050, [9, 0, 0, 200]),
            (3000, 400, [7, 1, 61, 300]),
            (800, 600, [23, 41, 19, 37]),
        ])
    func exactBox(width: Int, height: Int, edges: [Int]) throws {
        let image = try framedContent(width: width, height: height, edges: edges)
        #expect((image.width, image.frameHeight) == (width + edges[1] + edges[3], height + edges[0] + edges[2]))
        let box = try image.contentBox(threshold: 10)
        #expect(box.left == edges[3] && box.top == edges[0] && box.width == width && box.height == height, "\(box)")
    }
}
