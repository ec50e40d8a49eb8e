import Testing

@testable import Filters

@Suite("Running filter modules in the sandbox")
struct FilterRegistryTests {
    private func registry(_ modules: FilterModule...) -> FilterRegistry {
        FilterRegistry(modules: modules)
    }

    @Test("recipes come back as the module computed them")
    func recipes() throws {
        let invert = try TestModules.load("invert", TestModules.invertTable)
        let scale = try TestModules.load("scale", TestModules.scaleMatrix)
        let box = try TestModules.load("box", TestModules.boxKernel)
        let filters = registry(invert, scale, box)
        #expect(try filters.recipe(invert, arguments: []) == .lookupTable((0..<768).map { 255 - UInt8($0 % 256) }))
        #expect(try filters.recipe(scale, arguments: [0.5]) == .colourMatrix([0.5, 0, 0, 0, 0.5, 0, 0, 0, 0.5]))
        #expect(try filters.recipe(box, arguments: []) == .kernel(size: 3, scale: 9, weights: Array(repeating: 1, count: 9)))
    }

    @Test("a module's own invalid-format status is reported with its kind")
    func invalidArguments() throws {
        let scale = try TestModules.load("scale", TestModules.scaleMatrix)
        let error = #expect(throws: FilterError.self) { try registry(scale).recipe(scale, arguments: [1, 2]) }
        #expect(error == .failed(name: "scale", kind: .invalidFormat, detail: "imgedge_matrix returned status 1"))
    }

    @Test(
        "strips cover every row of the frame once, at its place, whatever the frame's height",
        arguments: [1, 7, 300, 1500])
    func strips(height: Int) throws {
        let module = try TestModules.load("rows", TestModules.rowNumbers)
        let width = 700
        var pixels = [UInt8](repeating: 0xAA, count: width * height * 3)
        try pixels.withUnsafeMutableBytes { buffer in
            try registry(module).filterStrips(
                module, frame: PixelFrame(pixels: buffer, width: width, height: height, bands: 3), arguments: [])
        }
        for row in 0..<height {
            let samples = pixels[row * width * 3..<(row + 1) * width * 3]
            #expect(samples.allSatisfy { $0 == UInt8(row % 256) }, "row \(row)")
        }
    }

    @Test("halo rows come from the unfiltered frame, with the top row repeated above it")
    func halo() throws {
        let module = try TestModules.load("shift", TestModules.shiftDown)
        let width = 1000
        let height = 600  // several strips of 1 MiB
        var pixels = (0..<height).flatMap { row in [UInt8](repeating: UInt8(row % 251), count: width * 3) }
        try pixels.withUnsafeMutableBytes { buffer in
            try registry(module).filterStrips(
                module, frame: PixelFrame(pixels: buffer, width: width, height: height, bands: 3), arguments: [])
        }
        for row in 0..<height {
            #expect(pixels[row * width * 3] == UInt8(max(row - 2, 0) % 251), "row \(row)")
        }
    }

    @Test(
        "a hostile module fails its request with the right kind, and the server's process lives on",
        arguments: [
            (TestModules.infiniteLoop, FilterError.Kind.processingFailed, "ran out of fuel"),
            (TestModules.memoryBomb, .outOfMemory, "status 2"),
            (TestModules.outOfBounds, .processingFailed, "trapped"),
            (TestModules.lyingAllocator, .processingFailed, "outside its memory"),
        ]
    )
    func hostile(text: String, kind: FilterError.Kind, detail: String) throws {
        var limits = FilterLimits()
        limits.baseFuel = 5_000_000
        let module = try TestModules.load("hostile", text, limits: limits)
        let filters = registry(module)
        for _ in 0..<2 {
            let error = #expect(throws: FilterError.self) { try filters.recipe(module, arguments: []) }
            guard case .failed(let name, let failedKind, let text)? = error else {
                Issue.record("expected a failure, got \(String(describing: error))")
                return
            }
            #expect(name == "hostile")
            #expect(failedKind == kind)
            #expect(text.contains(detail), "\(text)")
        }
    }

    @Test("many threads can use one module at once")
    func concurrent() async throws {
        let module = try TestModules.load("invert", TestModules.invertTable)
        let filters = registry(module)
        let expected = Recipe.lookupTable((0..<768).map { 255 - UInt8($0 % 256) })
        try await withThrowingTaskGroup(of: Recipe.self) { group in
            for _ in 0..<32 {
                group.addTask { try filters.recipe(module, arguments: []) }
            }
            for try await recipe in group {
                #expect(recipe == expected)
            }
        }
    }

    @Test(
        "an instance whose memory grew past the pooling bound is dropped after its job; one that grew little is kept",
        arguments: [(16, 1), (64, 1), (65, 0), (400, 0)]  // pages of 64 KiB; the bound is 4 MiB, 64 pages
    )
    func pooledByGrowth(pages: Int, kept: Int) throws {
        let module = try TestModules.load("grower", TestModules.growing(pages: pages))
        let filters = registry(module)
        _ = try filters.recipe(module, arguments: [])
        #expect(filters.idleCount(of: "grower") == kept)
    }

    @Test("the idle pool keeps at most maxIdleInstances instances of a module")
    func poolIsCapped() throws {
        var limits = FilterLimits()
        limits.maxIdleInstances = 2
        let module = try TestModules.load("invert", TestModules.invertTable, limits: limits)
        let filters = registry(module)
        for _ in 0..<3 {
            filters.giveBack(try FilterInstance(module: module))
        }
        #expect(filters.idleCount(of: "invert") == 2)
        _ = try filters.recipe(module, arguments: [])
        #expect(filters.idleCount(of: "invert") == 2)
    }
}
