/// Eight floats: the width every hot loop works in. Baseline x86-64 runs it as two SSE registers, AVX as one,
/// arm64 as two NEON registers. Loops keep to `+ - * /` and comparisons, which lower to vector instructions
/// everywhere; `addingProduct` would call libm's `fma` on baseline x86-64.
typealias FloatVector = SIMD8<Float>

extension UnsafePointer<Float> {
    /// The eight floats starting `offset` floats from here, with no alignment requirement.
    @inline(__always)
    func vector(at offset: Int) -> FloatVector {
        UnsafeRawPointer(self + offset).loadUnaligned(as: FloatVector.self)
    }
}

extension UnsafeMutablePointer<Float> {
    /// The eight floats starting `offset` floats from here, with no alignment requirement.
    @inline(__always)
    func vector(at offset: Int) -> FloatVector {
        UnsafeRawPointer(self + offset).loadUnaligned(as: FloatVector.self)
    }

    /// Writes eight floats starting `offset` floats from here, with no alignment requirement.
    @inline(__always)
    func storeVector(_ vector: FloatVector, at offset: Int) {
        UnsafeMutableRawPointer(self + offset).storeBytes(of: vector, as: FloatVector.self)
    }
}

extension FloatVector {
    /// The lanes' magnitudes.
    @inline(__always)
    var magnitude: FloatVector { replacing(with: -self, where: self .< 0) }

    /// The lanes, with negative ones raised to zero.
    @inline(__always)
    var clampedToZero: FloatVector { replacing(with: 0, where: self .< 0) }
}

/// Calls `body` for each eight-lane step over `count >= 8` values, with the step's first index and how many of its
/// leading lanes an earlier step already covered: a last step that would run past the end starts at `count - 8`
/// instead and overlaps the one before. Loops that store results ignore the overlap (they store the same values
/// twice); loops that sum must leave its lanes out.
@inline(__always)
func forEachVector(count: Int, _ body: (_ start: Int, _ overlap: Int) -> Void) {
    var step = 0
    while step < count {
        let start = min(step, count - 8)
        body(start, step - start)
        step += 8
    }
}

/// The mask of the first `count` lanes: those of a step's overlap (see `forEachVector`).
@inline(__always)
func leadingLanes(_ count: Int) -> SIMDMask<SIMD8<Int32>> {
    SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .< SIMD8<Int32>(repeating: Int32(count))
}
