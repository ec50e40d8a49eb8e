// grayscale: colour-matrix recipe. No arguments. Every output channel is the Rec.709 luma
// 0.2126 R + 0.7152 G + 0.0722 B.

/// What `imgedge_describe` returns (GET /modules): the arguments, their ranges and defaults.
let moduleDescription: StaticString = "none"

@_cdecl("imgedge_matrix")
public func imgedgeMatrix(_ args: Int32, _ argc: Int32, _ matrix: Int32) -> Int32 {
    guard argc == 0 else { return statusInvalidFormat }
    return writeMatrix(matrix, (0.2126, 0.7152, 0.0722,
                                0.2126, 0.7152, 0.0722,
                                0.2126, 0.7152, 0.0722))
}
