/// An image a transform module decoded: 8-bit samples, rows packed `width * bands` bytes apart.
public struct DecodedRaster: Sendable {
    public let width: Int
    public let height: Int
    /// 3 (RGB) or 4 (RGBA).
    public let bands: Int
    public let pixels: [UInt8]
}

extension FilterInstance {
    /// The largest image a transform may produce, in pixels.
    static let maxTransformPixels = 50_000_000
    /// The most output pixels one body byte can stand for: QOI's run op, one byte for up to 62
    /// pixels, is the densest encoding a transform is expected to decode.
    static let maxPixelsPerByte = 64

    /// Starts a body: clears what an earlier body left.
    func beginTransform() throws(FilterError) {
        try call("imgedge_reset", fuel: limits.baseFuel)
    }

    /// Passes one chunk of the body, with fuel for its bytes.
    func feedTransform(_ chunk: some Collection<UInt8>) throws(FilterError) {
        guard !chunk.isEmpty else { return }
        let input = try call("imgedge_transform_input", [UInt32(chunk.count)], fuel: limits.baseFuel)
        try Array(chunk).withUnsafeBytes { bytes in Result { () throws(FilterError) in try write(bytes, at: input) } }.get()
        try callChecked("imgedge_transform_chunk", [input, UInt32(chunk.count)], fuel: limits.fuel(forPixels: chunk.count))
    }

    /// Ends the body and returns the image the module decoded. Fuel is budgeted per pixel the
    /// body could stand for, so a module can neither loop forever nor be made to by its input.
    func finishTransform(bodyBytes: Int) throws(FilterError) -> DecodedRaster {
        let possiblePixels = min(bodyBytes * Self.maxPixelsPerByte, Self.maxTransformPixels)
        try callChecked("imgedge_transform_finish", [], fuel: limits.fuel(forPixels: possiblePixels))
        let output = try call("imgedge_transform_output", fuel: limits.baseFuel)
        let length = Int(try call("imgedge_transform_output_length", fuel: limits.baseFuel))
        guard length >= 12 else {
            throw .failed(name: name, kind: .processingFailed, detail: "output of \(length) bytes has no header")
        }
        let header = try read(count: 12, at: output)
        let (width, height, bands) = (
            Int(UInt32(littleEndianBytes: header[0..<4])), Int(UInt32(littleEndianBytes: header[4..<8])),
            Int(UInt32(littleEndianBytes: header[8..<12]))
        )
        guard width > 0, height > 0, [3, 4].contains(bands), width <= Self.maxTransformPixels / height,
            length == 12 + width * height * bands
        else {
            throw .failed(
                name: name, kind: .processingFailed,
                detail: "output header \(width)x\(height)x\(bands) does not match \(length) bytes")
        }
        return DecodedRaster(width: width, height: height, bands: bands, pixels: try read(count: length - 12, at: output + 12))
    }
}
