import Foundation
import ImageTestSupport
import Testing

@testable import Vips

@Suite("Convolution: a Gaussian runs as two fast 1-D passes, close to the exact 2-D result")
struct ConvolutionTests {
    /// A `size` x `size` Gaussian of `sigma`, unnormalised, and the sum of its weights.
    private func gaussian(size: Int, sigma: Double) -> (weights: [Double], sum: Double) {
        let radius = size / 2
        let weights = (0..<size * size).map { index in
            let (dy, dx) = (index / size - radius, index % size - radius)
            return exp(-Double(dx * dx + dy * dy) / (2 * sigma * sigma))
        }
        return (weights, weights.reduce(0, +))
    }

    @Test("a separable kernel gives about the pixels the exact 2-D kernel gives", arguments: [(7, 1.0), (31, 5.0)])
    func separableMatchesFull(size: Int, sigma: Double) throws {
        let request = ThumbnailRequest(width: 200, height: nil)
        let (weights, sum) = gaussian(size: size, sigma: sigma)
        var perturbed = weights
        perturbed[0] += 1e-3  // no longer an outer product: takes the exact 2-D float path
        let separable = try pixels(thumbnail("landscape.jpg", request).convolved(size: size, scale: sum, weights: weights))
        let full = try pixels(thumbnail("landscape.jpg", request).convolved(size: size, scale: sum + 1e-3, weights: perturbed))
        // Integer rounding and libvips' half-float vector path cost under a level on average.
        #expect(separable.meanAbsoluteDifference(from: full) < 1)
        let original = try pixels(thumbnail("landscape.jpg", request))
        #expect(separable.meanAbsoluteDifference(from: original) > 1)
    }
}
