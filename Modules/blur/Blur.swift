// blur(sigma): convolution-kernel recipe. sigma in 0.3...5, default 1.5.
// Gaussian: size = 2 * ceil(3 * sigma) + 1 (at most 31), weight(dy, dx) = exp(-(dx² + dy²) / (2 sigma²))
// with dx, dy the offsets from the centre, scale = the sum of the weights.

/// What `imgedge_describe` returns (GET /modules): the arguments, their ranges and defaults.
let moduleDescription: StaticString = "sigma 0.3-5 (default 1.5)"

/// e^x for -87 < x <= 0 (here x >= -12): range reduction to |r| <= ln2/2, degree-7 Taylor series;
/// relative error < 1e-7, no libm.
func exponential(_ x: Double) -> Double {
    let k = (x * 1.4426950408889634).rounded(.toNearestOrEven)
    let r = x - k * 0.6931471805599453
    var p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720 + r / 5040))))))
    let twoToK = Double(bitPattern: UInt64(1023 + Int64(k)) << 52)
    p *= twoToK
    return p
}

@_cdecl("imgedge_kernel")
public func imgedgeKernel(_ args: Int32, _ argc: Int32, _ kernel: Int32, _ capacity: Int32) -> Int32 {
    guard let sigma = singleArgument(args, argc, fallback: 1.5, 0.3, 5) else { return statusInvalidFormat }
    let radius = min(Int((3 * sigma).rounded(.up)), 15)
    let size = 2 * radius + 1
    let denominator = -1 / (2 * Double(sigma) * Double(sigma))
    var sum: Double = 0
    for dy in -radius...radius {
        for dx in -radius...radius {
            sum += Double(Float(exponential(Double(dx * dx + dy * dy) * denominator)))
        }
    }
    return writeKernel(kernel, capacity, size: size, scale: Float(sum)) { row, column in
        let dy = row - radius, dx = column - radius
        return Float(exponential(Double(dx * dx + dy * dy) * denominator))
    }
}
