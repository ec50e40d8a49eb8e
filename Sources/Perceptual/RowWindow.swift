/// The horizontally blurred rows that the vertical pass needs around one output row, for one plane being blurred:
/// rows `y − 5 … y + 5` for output row `y`, so that a plane is blurred in one streaming pass and its blurred rows
/// are used while they are in cache, never stored whole.
///
/// The rows are kept contiguous, a row's length apart, so the vertical pass reads them with a fixed step: row `i`
/// is stored in two slots, `i mod 11` and `i mod 11 + 11`, and any 11 consecutive rows are then slots `s … s + 10`.
/// Rows above and below the image are its mirrored rows (`c b a | a b c`), the blur's edges in that direction.
///
/// A window borrows its slots from a `BlurScratch` and is valid while that scratch's `withBuffers` runs.
struct RowWindow {
    private let slots: UnsafeMutablePointer<Float>
    let width: Int
    private let height: Int
    private let plane: UnsafePointer<Float>
    private let factors: UnsafePointer<Float>?

    /// The number of rows of slots.
    static let slotRows = 22

    /// A window over the blur of `plane` or, with `factors`, of `plane` multiplied value by value with `factors`;
    /// both are `width × height`, at least 8×8.
    init(slots: UnsafeMutablePointer<Float>, width: Int, height: Int, plane: UnsafePointer<Float>, factors: UnsafePointer<Float>?)
    {
        self.slots = slots
        self.width = width
        self.height = height
        self.plane = plane
        self.factors = factors
    }

    /// Makes rows `y − 5 … y + 5` available, for `y` = 0, 1, 2 … in turn: at row 0 it blurs the first eleven,
    /// after that one row each.
    private func advance(to y: Int, blur: GaussianBlur, scratch: UnsafeMutablePointer<Float>) {
        let radius = GaussianBlur.radius
        for row in (y == 0 ? -radius : y + radius)...(y + radius) {
            let source = row < 0 ? -1 - row : row >= height ? 2 * height - 1 - row : row
            let slot = slots + (row + 11) % 11 * width
            blur.blurRow(
                plane + source * width,
                times: factors.map { $0 + source * width },
                width: width,
                scratch: scratch,
                into: slot,
                copy: slot + 11 * width
            )
        }
    }

    /// Writes row `y` of the blurred plane, for `y` = 0, 1, 2 … in turn: the vertical pass over the window's rows.
    ///
    /// - Parameter output: `width` floats.
    func blurredRow(_ y: Int, blur: GaussianBlur, scratch: UnsafeMutablePointer<Float>, into output: UnsafeMutablePointer<Float>)
    {
        advance(to: y, blur: blur, scratch: scratch)
        let centre = UnsafePointer(slots + ((y - GaussianBlur.radius + 11) % 11 + GaussianBlur.radius) * width)
        let width = width
        forEachVector(count: width) { x, _ in
            output.storeVector(blur.weightedSum(around: centre + x, step: width), at: x)
        }
    }
}

/// Scratch memory for streaming blurs over rows `width` long, in one zeroed array: the slots of `windowCount` row
/// windows, `rowCount` rows for blurred rows and moments, and the blur's row scratch.
struct BlurScratch {
    private let width: Int
    private let windowCount: Int
    private let rowCount: Int
    private var buffer: [Float]

    init(windowCount: Int, rowCount: Int, width: Int) {
        self.width = width
        self.windowCount = windowCount
        self.rowCount = rowCount
        let count = (windowCount * RowWindow.slotRows + rowCount) * width + GaussianBlur.rowScratchCount(width: width)
        buffer = Array(repeating: 0, count: count)
    }

    /// Calls `body` with the slots of each window (`RowWindow.slotRows × width` floats), each row (`width` floats)
    /// and the blur's row scratch; the pointers are valid only during the call.
    mutating func withBuffers<Result>(
        _ body: (
            _ windowSlots: [UnsafeMutablePointer<Float>],
            _ rows: [UnsafeMutablePointer<Float>],
            _ rowScratch: UnsafeMutablePointer<Float>
        ) -> Result
    ) -> Result {
        let (width, windowCount, rowCount) = (self.width, self.windowCount, self.rowCount)
        return buffer.withUnsafeMutableBufferPointer { buffer in
            let start = buffer.baseAddress!
            let windows = (0..<windowCount).map { start + $0 * RowWindow.slotRows * width }
            let rowsStart = start + windowCount * RowWindow.slotRows * width
            let rows = (0..<rowCount).map { rowsStart + $0 * width }
            return body(windows, rows, rowsStart + rowCount * width)
        }
    }
}
