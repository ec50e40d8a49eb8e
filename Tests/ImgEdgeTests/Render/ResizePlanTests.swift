import Foundation
import Testing
import Vips

@testable import ImgEdge

/// A source size the tables plan for.
enum PlanSource: String, Sendable, CaseIterable {
    case landscape, portrait, tiny

    var size: (width: Int, height: Int) {
        switch self {
        case .landscape: (1280, 720)
        case .portrait: (400, 600)
        case .tiny: (10, 10)
        }
    }
}

/// One request, the source it is planned for, and the plan it must give.
struct PlanCase: Sendable, CustomTestStringConvertible {
    let source: PlanSource
    let options: ProcessingOptions
    let thumbnail: ThumbnailRequest
    let finish: ResizePlan.Finish
    let output: (width: Int, height: Int)

    var testDescription: String {
        let box = "\(options.width.map(String.init) ?? "-")x\(options.height.map(String.init) ?? "-")"
        let enlarge = options.enlarge ? ", enlarge" : ""
        return "\(source) into \(box) \(options.fit) \(options.gravity)\(enlarge)"
    }
}

/// Only one side given: the same plan for every fit, as for `inside`.
struct OneSideCase: Sendable, CustomTestStringConvertible {
    let source: PlanSource
    let width: Int?
    let height: Int?
    let enlarge: Bool
    let output: (width: Int, height: Int)

    var testDescription: String {
        "\(source) into \(width.map(String.init) ?? "-")x\(height.map(String.init) ?? "-")\(enlarge ? ", enlarge" : "")"
    }
}

private let shrink = ThumbnailRequest.Scaling.shrinkOnly
private let grow = ThumbnailRequest.Scaling.shrinkOrEnlarge

/// A case for a 300x200 box.
private func box(
    _ source: PlanSource, _ fit: Fit, _ gravity: Gravity = .north, enlarge: Bool,
    thumbnail: (Int?, Int?, ThumbnailRequest.Scaling, ThumbnailRequest.SmartCrop?),
    finish: ResizePlan.Finish = .none, output: (Int, Int)
) -> PlanCase {
    PlanCase(
        source: source,
        options: ProcessingOptions(width: 300, height: 200, fit: fit, gravity: gravity, enlarge: enlarge),
        thumbnail: ThumbnailRequest(width: thumbnail.0, height: thumbnail.1, scaling: thumbnail.2, crop: thumbnail.3),
        finish: finish,
        output: output
    )
}

/// Every fit with both sides given, for a landscape, a portrait and a tiny source, with and
/// without enlarging.
private let boxCases: [PlanCase] = [
    // 1280x720 into 300x200: the width binds inside (x0.234), the height outside (x0.278).
    box(.landscape, .inside, enlarge: false, thumbnail: (300, 200, shrink, nil), output: (300, 169)),
    box(.landscape, .inside, enlarge: true, thumbnail: (300, 200, grow, nil), output: (300, 169)),
    box(.landscape, .fill, enlarge: false, thumbnail: (300, 200, .stretch, nil), output: (300, 200)),
    box(.landscape, .fill, enlarge: true, thumbnail: (300, 200, .stretch, nil), output: (300, 200)),
    box(
        .landscape, .contain, enlarge: false, thumbnail: (300, 200, shrink, nil),
        finish: .letterbox(width: 300, height: 200), output: (300, 200)),
    box(
        .landscape, .contain, enlarge: true, thumbnail: (300, 200, grow, nil),
        finish: .letterbox(width: 300, height: 200), output: (300, 200)),
    box(.landscape, .outside, enlarge: false, thumbnail: (nil, 200, shrink, nil), output: (356, 200)),
    box(.landscape, .outside, enlarge: true, thumbnail: (nil, 200, grow, nil), output: (356, 200)),
    box(
        .landscape, .cover, .north, enlarge: false, thumbnail: (nil, 200, shrink, nil),
        finish: .crop(width: 300, height: 200, keeping: .north), output: (300, 200)),
    box(
        .landscape, .cover, .north, enlarge: true, thumbnail: (nil, 200, grow, nil),
        finish: .crop(width: 300, height: 200, keeping: .north), output: (300, 200)),
    box(.landscape, .cover, .attention, enlarge: false, thumbnail: (300, 200, shrink, .attention), output: (300, 200)),
    box(.landscape, .cover, .attention, enlarge: true, thumbnail: (300, 200, grow, .attention), output: (300, 200)),
    box(.landscape, .cover, .centre, enlarge: false, thumbnail: (300, 200, shrink, .centre), output: (300, 200)),

    // 400x600 into 300x200: the height binds inside (x0.333), the width outside (x0.75).
    box(.portrait, .inside, enlarge: false, thumbnail: (300, 200, shrink, nil), output: (133, 200)),
    box(.portrait, .inside, enlarge: true, thumbnail: (300, 200, grow, nil), output: (133, 200)),
    box(.portrait, .fill, enlarge: false, thumbnail: (300, 200, .stretch, nil), output: (300, 200)),
    box(.portrait, .fill, enlarge: true, thumbnail: (300, 200, .stretch, nil), output: (300, 200)),
    box(
        .portrait, .contain, enlarge: false, thumbnail: (300, 200, shrink, nil),
        finish: .letterbox(width: 300, height: 200), output: (300, 200)),
    box(
        .portrait, .contain, enlarge: true, thumbnail: (300, 200, grow, nil),
        finish: .letterbox(width: 300, height: 200), output: (300, 200)),
    box(.portrait, .outside, enlarge: false, thumbnail: (300, nil, shrink, nil), output: (300, 450)),
    box(.portrait, .outside, enlarge: true, thumbnail: (300, nil, grow, nil), output: (300, 450)),
    box(
        .portrait, .cover, .north, enlarge: false, thumbnail: (300, nil, shrink, nil),
        finish: .crop(width: 300, height: 200, keeping: .north), output: (300, 200)),
    box(
        .portrait, .cover, .north, enlarge: true, thumbnail: (300, nil, grow, nil),
        finish: .crop(width: 300, height: 200, keeping: .north), output: (300, 200)),
    box(.portrait, .cover, .attention, enlarge: false, thumbnail: (300, 200, shrink, .attention), output: (300, 200)),
    box(.portrait, .cover, .attention, enlarge: true, thumbnail: (300, 200, grow, .attention), output: (300, 200)),

    // 10x10 into 300x200: without enlarge it stays 10x10 except where the fit forces the box.
    box(.tiny, .inside, enlarge: false, thumbnail: (300, 200, shrink, nil), output: (10, 10)),
    box(.tiny, .inside, enlarge: true, thumbnail: (300, 200, grow, nil), output: (200, 200)),
    box(.tiny, .fill, enlarge: false, thumbnail: (300, 200, .stretch, nil), output: (300, 200)),
    box(.tiny, .fill, enlarge: true, thumbnail: (300, 200, .stretch, nil), output: (300, 200)),
    box(
        .tiny, .contain, enlarge: false, thumbnail: (300, 200, shrink, nil),
        finish: .letterbox(width: 300, height: 200), output: (300, 200)),
    box(
        .tiny, .contain, enlarge: true, thumbnail: (300, 200, grow, nil),
        finish: .letterbox(width: 300, height: 200), output: (300, 200)),
    box(.tiny, .outside, enlarge: false, thumbnail: (300, nil, shrink, nil), output: (10, 10)),
    box(.tiny, .outside, enlarge: true, thumbnail: (300, nil, grow, nil), output: (300, 300)),
    box(
        .tiny, .cover, .north, enlarge: false, thumbnail: (300, nil, shrink, nil),
        finish: .crop(width: 300, height: 200, keeping: .north), output: (10, 10)),
    box(
        .tiny, .cover, .north, enlarge: true, thumbnail: (300, nil, grow, nil),
        finish: .crop(width: 300, height: 200, keeping: .north), output: (300, 200)),
    box(.tiny, .cover, .attention, enlarge: false, thumbnail: (300, 200, shrink, .attention), output: (10, 10)),
    box(.tiny, .cover, .attention, enlarge: true, thumbnail: (300, 200, grow, .attention), output: (300, 200)),
]

/// Width only and height only, shrinking and (where the box is larger) enlarging.
private let oneSideCases: [OneSideCase] = [
    OneSideCase(source: .landscape, width: 400, height: nil, enlarge: false, output: (400, 225)),
    OneSideCase(source: .landscape, width: 400, height: nil, enlarge: true, output: (400, 225)),
    OneSideCase(source: .landscape, width: nil, height: 1440, enlarge: false, output: (1280, 720)),
    OneSideCase(source: .landscape, width: nil, height: 1440, enlarge: true, output: (2560, 1440)),
    OneSideCase(source: .portrait, width: 800, height: nil, enlarge: false, output: (400, 600)),
    OneSideCase(source: .portrait, width: 800, height: nil, enlarge: true, output: (800, 1200)),
    OneSideCase(source: .portrait, width: nil, height: 300, enlarge: false, output: (200, 300)),
    OneSideCase(source: .portrait, width: nil, height: 300, enlarge: true, output: (200, 300)),
    OneSideCase(source: .tiny, width: 25, height: nil, enlarge: false, output: (10, 10)),
    OneSideCase(source: .tiny, width: 25, height: nil, enlarge: true, output: (25, 25)),
    OneSideCase(source: .tiny, width: nil, height: 5, enlarge: false, output: (5, 5)),
    OneSideCase(source: .tiny, width: nil, height: 5, enlarge: true, output: (5, 5)),
]

@Suite("ResizePlan")
struct ResizePlanTests {
    @Test("a box plans each fit's thumbnail, finish and output size", arguments: boxCases)
    func box(example: PlanCase) throws {
        let size = example.source.size
        let plan = try ResizePlan(options: example.options, sourceWidth: size.width, sourceHeight: size.height)
        #expect(plan.thumbnail == example.thumbnail)
        #expect(plan.finish == example.finish)
        #expect((plan.outputWidth, plan.outputHeight) == example.output)
    }

    @Test(
        "with one side given, every fit plans like inside: that bound, aspect kept, no finish",
        arguments: Fit.allCases, oneSideCases)
    func oneSide(fit: Fit, example: OneSideCase) throws {
        let size = example.source.size
        let options = ProcessingOptions(
            width: example.width, height: example.height, fit: fit, gravity: .north, enlarge: example.enlarge)
        let plan = try ResizePlan(options: options, sourceWidth: size.width, sourceHeight: size.height)
        let scaling: ThumbnailRequest.Scaling = example.enlarge ? .shrinkOrEnlarge : .shrinkOnly
        #expect(plan.thumbnail == ThumbnailRequest(width: example.width, height: example.height, scaling: scaling))
        #expect(plan.finish == .none)
        #expect((plan.outputWidth, plan.outputHeight) == example.output)
    }

    @Test("no size at all keeps the source size and never enlarges", arguments: Fit.allCases, [false, true])
    func noSize(fit: Fit, enlarge: Bool) throws {
        let plan = try ResizePlan(options: ProcessingOptions(fit: fit, enlarge: enlarge), sourceWidth: 1280, sourceHeight: 720)
        #expect(plan.thumbnail.width == nil && plan.thumbnail.height == nil)
        #expect(plan.thumbnail.scaling == .shrinkOnly)
        #expect(plan.finish == .none)
        #expect((plan.outputWidth, plan.outputHeight) == (1280, 720))
    }

    @Test(
        "cover crops with libvips' smart crop for centre, attention and entropy, and with a compass crop otherwise",
        arguments: [
            (Gravity.centre, ResizePlan.Finish.none, ThumbnailRequest.SmartCrop?.some(.centre)),
            (.attention, .none, .attention),
            (.entropy, .none, .entropy),
            (.north, .crop(width: 300, height: 200, keeping: .north), nil),
            (.northeast, .crop(width: 300, height: 200, keeping: .northEast), nil),
            (.east, .crop(width: 300, height: 200, keeping: .east), nil),
            (.southeast, .crop(width: 300, height: 200, keeping: .southEast), nil),
            (.south, .crop(width: 300, height: 200, keeping: .south), nil),
            (.southwest, .crop(width: 300, height: 200, keeping: .southWest), nil),
            (.west, .crop(width: 300, height: 200, keeping: .west), nil),
            (.northwest, .crop(width: 300, height: 200, keeping: .northWest), nil),
        ])
    func coverGravity(gravity: Gravity, finish: ResizePlan.Finish, smartCrop: ThumbnailRequest.SmartCrop?) throws {
        let options = ProcessingOptions(width: 300, height: 200, fit: .cover, gravity: gravity)
        let plan = try ResizePlan(options: options, sourceWidth: 1280, sourceHeight: 720)
        #expect(plan.finish == finish)
        #expect(plan.thumbnail.crop == smartCrop)
        if smartCrop == nil {
            // Bound on the height only, so the width comes out at least the box's.
            #expect(plan.thumbnail == ThumbnailRequest(width: nil, height: 200, scaling: .shrinkOnly))
        } else {
            #expect(plan.thumbnail == ThumbnailRequest(width: 300, height: 200, scaling: .shrinkOnly, crop: smartCrop))
        }
        #expect((plan.outputWidth, plan.outputHeight) == (300, 200))
    }

    @Test("gravity only matters to cover", arguments: [Fit.inside, .contain, .fill, .outside])
    func gravityIgnored(fit: Fit) throws {
        let plans = try Gravity.allCases.map { gravity in
            try ResizePlan(
                options: ProcessingOptions(width: 300, height: 200, fit: fit, gravity: gravity), sourceWidth: 1280,
                sourceHeight: 720)
        }
        #expect(Set(plans.map(\.thumbnail)).count == 1)
        #expect(plans.allSatisfy { $0 == plans[0] })
    }

    @Test("a plan never asks for fewer than 1 pixel", arguments: Fit.allCases)
    func atLeastOnePixel(fit: Fit) throws {
        let options = ProcessingOptions(width: 1, height: 1, fit: fit)
        for (width, height) in [(20000, 1), (1, 20000), (1280, 720)] {
            let plan = try ResizePlan(options: options, sourceWidth: width, sourceHeight: height)
            #expect(plan.outputWidth >= 1 && plan.outputHeight >= 1)
        }
    }
}

/// Test images and libvips for running plans for real.
private enum Rendering {
    /// The bytes of `TestImages/file` and its header.
    static func load(_ file: String) throws -> (SourceBytes, ImageHeader) {
        try Libvips.start()
        let source = SourceBytes(try Data(contentsOf: URL(fileURLWithPath: "\(testImagesDirectory)/\(file)")))
        return (source, try ImageHeader(reading: source))
    }

    /// Runs `plan` as `RenderJob` does (thumbnail, then the finish) and returns the result's
    /// width, frame height and frames.
    static func render(
        _ plan: ResizePlan, _ source: SourceBytes, frames: Int = 1
    ) throws -> (width: Int, height: Int, frames: Int) {
        var request = plan.thumbnail
        request.frames = frames
        let image = try plan.finish.applied(to: Image.thumbnail(of: source, request), background: [255, 255, 255, 255])
        return (image.width, image.frameHeight, image.frames)
    }
}

@Suite("ResizePlan against libvips")
struct ResizePlanRenderingTests {
    static let files = ["landscape.jpg", "portrait.jpg", "tiny.png", "exif-orientation-6.jpg", "alpha.png", "landscape.webp"]
    static let boxes: [(Int?, Int?)] = [(150, nil), (nil, 150), (300, 200), (200, 300), (64, 64), (2000, 1500)]

    @Test(
        "libvips makes the planned size: exactly for a box, within a pixel on a side that follows the aspect ratio",
        arguments: files, Fit.allCases)
    func plannedSize(file: String, fit: Fit) throws {
        let (source, header) = try Rendering.load(file)
        for (width, height) in Self.boxes {
            for enlarge in [false, true] {
                for gravity in [Gravity.north, .attention] {
                    let options = ProcessingOptions(width: width, height: height, fit: fit, gravity: gravity, enlarge: enlarge)
                    let plan = try ResizePlan(options: options, sourceWidth: header.width, sourceHeight: header.height)
                    let result = try Rendering.render(plan, source)
                    let exact = width != nil && height != nil && [.fill, .contain, .cover].contains(fit)
                    let slack = exact ? 0 : 1
                    #expect(
                        abs(result.width - plan.outputWidth) <= slack && abs(result.height - plan.outputHeight) <= slack,
                        "\(options.cacheKey): planned \(plan.outputWidth)x\(plan.outputHeight), got \(result.width)x\(result.height)"
                    )
                    #expect(result.frames == 1)
                }
            }
        }
    }

    @Test("cover keeps every frame of an animated source, whatever the gravity", arguments: Gravity.allCases)
    func animatedCover(gravity: Gravity) throws {
        let (source, header) = try Rendering.load("animated.gif")
        let options = ProcessingOptions(width: 100, height: 100, fit: .cover, gravity: gravity)
        let plan = try ResizePlan(options: options, sourceWidth: header.width, sourceHeight: header.height, animated: true)
        let result = try Rendering.render(plan, source, frames: header.frames)
        #expect((result.width, result.height) == (100, 100))
        #expect(result.frames == 5)
    }

    @Test(
        "contain, fill, outside and inside keep every frame of an animated source",
        arguments: [Fit.contain, .fill, .outside, .inside])
    func animatedOtherFits(fit: Fit) throws {
        let (source, header) = try Rendering.load("animated.gif")
        let plan = try ResizePlan(
            options: ProcessingOptions(width: 150, height: 150, fit: fit), sourceWidth: header.width, sourceHeight: header.height)
        let result = try Rendering.render(plan, source, frames: header.frames)
        #expect((result.width, result.height, result.frames) == (plan.outputWidth, plan.outputHeight, 5))
    }
}

@Suite("ResizePlan: turn, crop, trim, focal point and padding")
struct GeometryPlanTests {
    @Test(
        "a crop names the turned picture; the plan finds it in the upright source",
        arguments: [
            // A 1280x720 source; the crop is the top-left 100x50 of the picture as shown.
            (Rotation.none, Flip?.none, PixelRectangle(left: 0, top: 0, width: 100, height: 50)),
            (.quarter, nil, PixelRectangle(left: 0, top: 620, width: 50, height: 100)),
            (.half, nil, PixelRectangle(left: 1180, top: 670, width: 100, height: 50)),
            (.threeQuarters, nil, PixelRectangle(left: 1230, top: 0, width: 50, height: 100)),
            (.none, .horizontal, PixelRectangle(left: 1180, top: 0, width: 100, height: 50)),
            (.none, .vertical, PixelRectangle(left: 0, top: 670, width: 100, height: 50)),
            (.none, .both, PixelRectangle(left: 1180, top: 670, width: 100, height: 50)),
            (.quarter, .horizontal, PixelRectangle(left: 0, top: 0, width: 50, height: 100)),
        ])
    func cropUnturned(rotation: Rotation, flip: Flip?, region: PixelRectangle) throws {
        let crop = CropRegion(x: 0, y: 0, width: 100, height: 50, unit: .pixels)
        let plan = try ResizePlan(
            options: ProcessingOptions(rotation: rotation, flip: flip, crop: crop), sourceWidth: 1280, sourceHeight: 720)
        #expect(plan.preparation?.region == region)
        #expect((plan.outputWidth, plan.outputHeight) == (100, 50))
    }

    @Test("a turn swaps the sides the box applies to: w=300 of a landscape turned a quarter is portrait")
    func turnThenResize() throws {
        let plan = try ResizePlan(
            options: ProcessingOptions(width: 300, rotation: .quarter), sourceWidth: 1280, sourceHeight: 720)
        #expect((plan.outputWidth, plan.outputHeight) == (300, 533))
        #expect(plan.preparation?.region == PixelRectangle(left: 0, top: 0, width: 1280, height: 720))
    }

    @Test(
        "the source is decoded shrunk by the largest power of two the resize allows, and whole for a trim",
        arguments: [
            (ProcessingOptions(width: 640, rotation: .half), 2),
            (ProcessingOptions(width: 639, rotation: .half), 2),
            (ProcessingOptions(width: 641, rotation: .half), 1),
            (ProcessingOptions(width: 100, rotation: .half), 8),
            (ProcessingOptions(width: 300, height: 300, fit: .cover, rotation: .half), 2),
            (ProcessingOptions(width: 100, crop: CropRegion(x: 0, y: 0, width: 0.5, height: 0.5, unit: .fractions)), 4),
            (ProcessingOptions(width: 100, trimThreshold: 10), 1),
        ])
    func shrink(options: ProcessingOptions, shrink: Int) throws {
        let plan = try ResizePlan(options: options, sourceWidth: 1280, sourceHeight: 720)
        #expect(plan.preparation?.shrink == shrink)
    }

    @Test("a plain resize needs no preparation")
    func noPreparation() throws {
        let plan = try ResizePlan(
            options: ProcessingOptions(width: 300, padding: Padding(top: 1, right: 2, bottom: 3, left: 4)), sourceWidth: 1280,
            sourceHeight: 720)
        #expect(plan.preparation == nil)
        #expect((plan.resizedWidth, plan.resizedHeight) == (300, 169))
        #expect((plan.outputWidth, plan.outputHeight) == (306, 173))
    }

    @Test(
        "a crop outside the picture throws, naming the turned size",
        arguments: [
            CropRegion(x: 1280, y: 0, width: 10, height: 10, unit: .pixels),
            CropRegion(x: 0, y: 1, width: 1, height: 1, unit: .fractions),
        ])
    func cropOutside(crop: CropRegion) {
        #expect(throws: SourceError.cropOutside(width: 720, height: 1280)) {
            try ResizePlan(options: ProcessingOptions(rotation: .quarter, crop: crop), sourceWidth: 1280, sourceHeight: 720)
        }
    }

    @Test("a crop reaching past the edge is cut to the picture")
    func cropClipped() throws {
        let crop = CropRegion(x: 1200, y: 700, width: 500, height: 500, unit: .pixels)
        let plan = try ResizePlan(options: ProcessingOptions(crop: crop), sourceWidth: 1280, sourceHeight: 720)
        #expect(plan.preparation?.region == PixelRectangle(left: 1200, top: 700, width: 80, height: 20))
    }

    @Test("a focal point makes cover cut around it, whatever the gravity")
    func focalPoint() throws {
        let focus = FocalPoint(x: 0.1, y: 0.9)
        let plan = try ResizePlan(
            options: ProcessingOptions(width: 200, height: 200, fit: .cover, gravity: .attention, focalPoint: focus),
            sourceWidth: 1280,
            sourceHeight: 720)
        #expect(plan.finish == .cropAround(width: 200, height: 200, focalPoint: focus))
        #expect(plan.thumbnail.crop == nil)
    }

    @Test(
        "a cut around a focal point keeps it as near the middle as the edges allow",
        arguments: [
            (100, 1000, 0.5, 450), (100, 1000, 0.0, 0), (100, 1000, 1.0, 900), (100, 1000, 0.07, 20), (100, 100, 0.3, 0),
            (100, 80, 0.5, 0),
        ])
    func cutStart(length: Int, extent: Int, fraction: Double, start: Int) {
        #expect(FocalPoint.cutStart(length: length, extent: extent, fraction: fraction) == start)
    }

    @Test("a trim replans the resize from what it left, keeping the rest of the plan")
    func trimmed() throws {
        let options = ProcessingOptions(width: 100, trimThreshold: 10, padding: Padding(css: [5])!)
        let plan = try ResizePlan(options: options, sourceWidth: 1280, sourceHeight: 720)
        let trimmed = plan.trimmed(toWidth: 400, height: 400, options: options, animated: false)
        #expect((trimmed.outputWidth, trimmed.outputHeight) == (110, 110))
        #expect(trimmed.preparation == plan.preparation)
    }

    @Test(
        "a region is scaled to the picture as decoded, at least a pixel, within it",
        arguments: [
            (PixelRectangle(left: 0, top: 0, width: 100, height: 50), PixelRectangle(left: 0, top: 0, width: 50, height: 25)),
            (PixelRectangle(left: 1279, top: 719, width: 1, height: 1), PixelRectangle(left: 639, top: 359, width: 1, height: 1)),
            (PixelRectangle(left: 101, top: 3, width: 3, height: 1), PixelRectangle(left: 51, top: 2, width: 1, height: 1)),
        ])
    func scaledRegion(region: PixelRectangle, scaled: PixelRectangle) {
        #expect(region.scaled(from: (1280, 720), to: (640, 360)) == scaled)
    }
}
