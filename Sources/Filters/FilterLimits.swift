/// The sandbox bounds every module runs under.
public struct FilterLimits: Sendable, Hashable {
    /// The most linear memory a module may declare as its maximum, in bytes; a module whose
    /// declared maximum is larger, or absent, is refused at load.
    public var maxMemoryBytes = 64 * 1024 * 1024
    /// Fuel (about one WebAssembly operator each) granted per pixel processed, or per body byte
    /// for a transform.
    public var fuelPerPixel: UInt64 = 2_000
    /// The largest module file read, in bytes; the shipped modules are a few kilobytes.
    public var maxModuleBytes = 16 * 1024 * 1024
    /// Fuel granted to every call on top of the per-pixel budget (recipes, set-up).
    public var baseFuel: UInt64 = 20_000_000

    public init() {}

    /// The fuel for a call that processes `pixels` pixels (or bytes).
    func fuel(forPixels pixels: Int) -> UInt64 {
        baseFuel + fuelPerPixel * UInt64(max(0, pixels))
    }
}
