// saturation(s): colour-matrix recipe. s in 0...4, default 1.5. 0 = grey (Rec.709 luma),
// 1 = unchanged, >1 = more saturated: M = (1 - s) * L + s * I, where every row of L is
// (0.2126, 0.7152, 0.0722).

/// What `imgedge_describe` returns (GET /modules): the arguments, their ranges and defaults.
let moduleDescription: StaticString = "factor 0-4 (default 1.5)"

@_cdecl("imgedge_matrix")
public func imgedgeMatrix(_ args: Int32, _ argc: Int32, _ matrix: Int32) -> Int32 {
    guard let s = singleArgument(args, argc, fallback: 1.5, 0, 4) else { return statusInvalidFormat }
    let t = 1 - s
    let r = 0.2126 * t, g = 0.7152 * t, b = 0.0722 * t
    return writeMatrix(matrix, (r + s, g, b,
                                r, g + s, b,
                                r, g, b + s))
}
