/// A frame of 8-bit pixels in host memory, rows packed `width * bands` bytes apart.
public struct PixelFrame {
    public let pixels: UnsafeMutableRawBufferPointer
    public let width: Int
    public let height: Int
    /// 3 (RGB) or 4 (RGBA).
    public let bands: Int

    public init(pixels: UnsafeMutableRawBufferPointer, width: Int, height: Int, bands: Int) {
        precondition(pixels.count == width * height * bands, "pixels must hold exactly the frame")
        self.pixels = pixels
        self.width = width
        self.height = height
        self.bands = bands
    }

    var rowBytes: Int { width * bands }
}

extension FilterInstance {
    /// Rows are handed over in strips of about this many bytes: large enough that the call
    /// overhead vanishes, small enough that a module needs little memory.
    static let stripBytes = 1 << 20

    /// Runs a strip filter over `frame`, strip by strip, in the module's memory.
    ///
    /// Each strip is copied in, with `imgedge_halo()` rows of context above and below (edge rows
    /// repeated at the frame's top and bottom), filtered in place, and its own rows copied back.
    /// Halo rows come from the unfiltered frame, so a strip never sees its neighbour's output.
    func filterStrips(
        _ frame: PixelFrame, arguments: [Float], hasHalo: Bool, hasFinalize: Bool, shouldStop: () -> Bool
    ) throws(FilterError) {
        try call("imgedge_reset", fuel: limits.baseFuel)
        let (argumentsOffset, count) = try writeArguments(arguments)
        let halo = hasHalo ? Int(min(64, try call("imgedge_halo", [argumentsOffset, count], fuel: limits.baseFuel))) : 0
        let rowBytes = frame.rowBytes
        let stripRows = max(1, min(frame.height, Self.stripBytes / max(1, rowBytes)))
        let buffer = try allocate((stripRows + 2 * halo) * rowBytes)
        let original = halo > 0 ? Array(frame.pixels) : []
        for firstRow in stride(from: 0, to: frame.height, by: stripRows) {
            guard !shouldStop() else { throw .stopped(name: name) }
            let rows = min(stripRows, frame.height - firstRow)
            if halo > 0 {
                for bufferRow in 0..<(rows + 2 * halo) {
                    let sourceRow = min(max(firstRow - halo + bufferRow, 0), frame.height - 1)
                    try original[sourceRow * rowBytes..<(sourceRow + 1) * rowBytes].withUnsafeBytes { row in
                        Result { () throws(FilterError) in try write(row, at: buffer + UInt32(bufferRow * rowBytes)) }
                    }.get()
                }
            } else {
                let strip = UnsafeRawBufferPointer(rebasing: frame.pixels[firstRow * rowBytes..<(firstRow + rows) * rowBytes])
                try write(strip, at: buffer)
            }
            let strip = buffer + UInt32(halo * rowBytes)
            let geometry = [frame.width, rows, frame.bands, rowBytes, firstRow, frame.height].map { UInt32($0) }
            try callChecked(
                "imgedge_strip", [argumentsOffset, count, strip] + geometry,
                fuel: limits.fuel(forPixels: (rows + 2 * halo) * frame.width)
            )
            let target = UnsafeMutableRawBufferPointer(rebasing: frame.pixels[firstRow * rowBytes..<(firstRow + rows) * rowBytes])
            try read(into: target, from: strip)
        }
        if hasFinalize {
            try callChecked("imgedge_finalize", [], fuel: limits.baseFuel)
        }
    }
}
