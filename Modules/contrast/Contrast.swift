// contrast(c): lookup-table recipe. c in 0...4, default 1.2.
// out = clamp(floor((v - 128) * c + 128 + 0.5)).

/// What `imgedge_describe` returns (GET /modules): the arguments, their ranges and defaults.
let moduleDescription: StaticString = "factor 0-4 (default 1.2)"

@_cdecl("imgedge_lut")
public func imgedgeLut(_ args: Int32, _ argc: Int32, _ table: Int32) -> Int32 {
    guard let c = singleArgument(args, argc, fallback: 1.2, 0, 4) else { return statusInvalidFormat }
    return writeLookupTable(table) { v in clampByte(Float(v - 128) * c + 128) }
}
