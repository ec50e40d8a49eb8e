// invert: lookup-table recipe. No arguments. out = 255 - v.

/// What `imgedge_describe` returns (GET /modules): the arguments, their ranges and defaults.
let moduleDescription: StaticString = "none"

@_cdecl("imgedge_lut")
public func imgedgeLut(_ args: Int32, _ argc: Int32, _ table: Int32) -> Int32 {
    guard argc == 0 else { return statusInvalidFormat }
    return writeLookupTable(table) { v in UInt8(truncatingIfNeeded: 255 &- v) }
}
