// sepia: colour-matrix recipe. No arguments. The classic sepia matrix.

/// What `imgedge_describe` returns (GET /modules): the arguments, their ranges and defaults.
let moduleDescription: StaticString = "none"

@_cdecl("imgedge_matrix")
public func imgedgeMatrix(_ args: Int32, _ argc: Int32, _ matrix: Int32) -> Int32 {
    guard argc == 0 else { return statusInvalidFormat }
    return writeMatrix(matrix, (0.393, 0.769, 0.189,
                                0.349, 0.686, 0.168,
                                0.272, 0.534, 0.131))
}
