// sharpen(amount): convolution-kernel recipe. amount in 0...4, default 1.
// 3x3 unsharp mask against a 3x3 box blur: out = (1 + a) p - a * mean3x3(p), i.e. weights -a
// everywhere except 9 + 8a in the centre, scale 9. amount 0 is the identity.

/// What `imgedge_describe` returns (GET /modules): the arguments, their ranges and defaults.
let moduleDescription: StaticString = "amount 0-4 (default 1)"

@_cdecl("imgedge_kernel")
public func imgedgeKernel(_ args: Int32, _ argc: Int32, _ kernel: Int32, _ capacity: Int32) -> Int32 {
    guard let a = singleArgument(args, argc, fallback: 1, 0, 4) else { return statusInvalidFormat }
    return writeKernel(kernel, capacity, size: 3, scale: 9) { row, column in
        row == 1 && column == 1 ? 9 + 8 * a : -a
    }
}
