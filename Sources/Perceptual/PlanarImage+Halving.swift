extension PlanarImage {
    /// Every plane at half the size, rounded up: each value is the mean of a 2×2 block. On an odd last column
    /// or row the block is 1 pixel wide or tall and the mean is over the pixels it has, which is what libjxl's
    /// `Downsample` computes by clamping coordinates and the reference package by averaging the partial block.
    ///
    /// - Parameter recycled: memory to reuse, if it has the right shape.
    func halved(recycling recycled: consuming PlanarImage?) -> PlanarImage {
        let (width, height, planeSize) = (self.width, self.height, self.planeSize)
        let (outputWidth, outputHeight) = ((width + 1) / 2, (height + 1) / 2)
        let pairs = width / 2
        return samples.withUnsafeBufferPointer { input in
            PlanarImage(width: outputWidth, height: outputHeight, planeCount: planeCount, recycling: recycled.take()) { output in
                for plane in 0..<planeCount {
                    let source = input.baseAddress! + plane * planeSize
                    let destination = output + plane * outputWidth * outputHeight
                    for outputY in 0..<outputHeight {
                        let top = source + 2 * outputY * width
                        let bottom = source + min(2 * outputY + 1, height - 1) * width
                        let row = destination + outputY * outputWidth
                        for pair in 0..<pairs {
                            let x = 2 * pair
                            row[pair] = (top[x] + top[x + 1] + bottom[x] + bottom[x + 1]) * 0.25
                        }
                        if width % 2 == 1 {
                            row[pairs] = (top[width - 1] + bottom[width - 1]) * 0.5
                        }
                    }
                }
            }
        }
    }
}
