/// Same-size planes of 32-bit floats stored back to back in one contiguous array, row-major within each
/// plane, with no padding: value `(x, y)` of plane `p` is `samples[(p * height + y) * width + x]`.
///
/// One array per image keeps each hot loop to a single `withUnsafe…BufferPointer`, with plain pointer
/// arithmetic inside, and the unit-stride rows are what the eight-lane loops want.
struct PlanarImage: Sendable {
    let width: Int
    let height: Int
    let planeCount: Int
    var samples: [Float]

    /// An image whose every value `initializer` writes, through a pointer valid only during the call. Skipping
    /// the zero fill matters: these images are megabytes, and each is written once.
    init(width: Int, height: Int, planeCount: Int, initializingWith initializer: (UnsafeMutablePointer<Float>) -> Void) {
        self.width = width
        self.height = height
        self.planeCount = planeCount
        let count = width * height * planeCount
        samples = Array(unsafeUninitializedCapacity: count) { buffer, initializedCount in
            initializer(buffer.baseAddress!)
            initializedCount = count
        }
    }

    /// An image whose every value `initializer` writes, in `recycled`'s memory when it has the same shape and is
    /// not shared, in fresh memory otherwise. Reusing memory saves the page faults of fresh megabytes, which cost
    /// more than the work done in them.
    init(
        width: Int,
        height: Int,
        planeCount: Int,
        recycling recycled: consuming PlanarImage?,
        initializingWith initializer: (UnsafeMutablePointer<Float>) -> Void
    ) {
        guard var image = recycled.take(), image.width == width, image.height == height, image.planeCount == planeCount else {
            self.init(width: width, height: height, planeCount: planeCount, initializingWith: initializer)
            return
        }
        image.samples.withUnsafeMutableBufferPointer { initializer($0.baseAddress!) }
        self = image
    }

    /// The number of values in one plane; plane `p` starts at `samples[p * planeSize]`.
    var planeSize: Int { width * height }
}
