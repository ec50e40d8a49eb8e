import Filters
import Vips

/// Runs a request's filters over the resized image, in order.
///
/// Recipe modules describe their effect (a lookup table, a colour matrix, a kernel) and libvips
/// applies it natively; strip filters run in their module over each frame's pixels, strip by
/// strip. Either way the module runs sandboxed in `FilterRegistry`, and strip filters stop
/// between strips once the job's budget is spent.
struct FilterStage {
    let registry: FilterRegistry
    let budget: EvaluationBudget
    /// The time spent in strip filters' modules so far. Recipe filters join libvips' lazy
    /// pipeline, so their time is the decode's.
    private(set) var moduleTime = Duration.zero

    init(registry: FilterRegistry, budget: EvaluationBudget) {
        self.registry = registry
        self.budget = budget
    }

    mutating func apply(_ filters: [ResolvedFilter], to image: consuming Image) throws(ImageServiceError) -> Image {
        var image = image
        for filter in filters {
            image = try apply(filter, to: image)
        }
        return image
    }

    private mutating func apply(_ filter: ResolvedFilter, to image: consuming Image) throws(ImageServiceError) -> Image {
        switch filter.module.kind {
        case .lookupTable, .colourMatrix, .kernel:
            let recipe = try ImageServiceError.reporting { () throws(FilterError) in
                try registry.recipe(filter.module, arguments: filter.arguments)
            }
            do throws(VipsError) {
                switch recipe {
                case .lookupTable(let table):
                    return try image.mapped(throughTable: table)
                case .colourMatrix(let matrix):
                    return try image.recombined(by: matrix)
                case .kernel(let size, let scale, let weights):
                    return try image.convolved(size: size, scale: scale, weights: weights)
                }
            } catch {
                throw .vips(error)
            }
        case .strips:
            let (width, frameHeight, bands) = (image.width, image.frameHeight, image.bands)
            let (registry, budget) = (registry, budget)
            var moduleTime = Duration.zero
            defer { self.moduleTime += moduleTime }
            var failure: FilterError?
            let rewritten: Image
            do throws(VipsError) {
                rewritten = try image.rewritingPixels { pixels in
                    let start = ContinuousClock.now
                    defer { moduleTime += ContinuousClock.now - start }
                    let frameBytes = width * frameHeight * bands
                    for offset in stride(from: 0, to: pixels.count, by: frameBytes) where failure == nil {
                        let frame = UnsafeMutableRawBufferPointer(rebasing: pixels[offset..<offset + frameBytes])
                        do throws(FilterError) {
                            try registry.filterStrips(
                                filter.module, frame: PixelFrame(pixels: frame, width: width, height: frameHeight, bands: bands),
                                arguments: filter.arguments, shouldStop: { budget.isSpent })
                        } catch {
                            failure = error
                        }
                    }
                }
            } catch {
                throw .vips(error)
            }
            if let failure { throw .filter(failure) }
            return rewritten
        case .transform:
            // `RenderRequest` resolves only pixel filters into a chain.
            throw .filter(.invalidModule(name: filter.module.name, reason: "a transform, not a pixel filter"))
        }
    }
}
