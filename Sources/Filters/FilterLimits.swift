import Foundation

/// The sandbox bounds every module runs under, and how many of its instances are kept idle.
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
    /// How far an instance's linear memory may have grown past its size at instantiation for the
    /// instance to be kept for the next job: 4 MiB, room for a strip filter's 1 MiB strips and
    /// their halo rows. WebAssembly memory never shrinks, so a larger instance (a transform that
    /// decoded a big image grows to tens of MiB) is dropped after its job, and its memory,
    /// WasmKit's own mapping, is unmapped at once instead of idling in the pool.
    public var maxPooledGrowthBytes = 4 * 1024 * 1024
    /// The most idle instances kept per module; an instance given back past it is dropped. The
    /// number of cores, as many as the image workers that run filters at once by default.
    public var maxIdleInstances = ProcessInfo.processInfo.activeProcessorCount

    public init() {}

    /// The fuel for a call that processes `pixels` pixels (or bytes).
    func fuel(forPixels pixels: Int) -> UInt64 {
        baseFuel + fuelPerPixel * UInt64(max(0, pixels))
    }
}
