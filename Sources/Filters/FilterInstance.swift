import WasmKit

/// One instance of a filter module, with its own WasmKit store: its memory, its fuel.
///
/// A `Store` is not thread-safe, so an instance is used by one job at a time: `FilterRegistry`
/// hands it out under a lock and takes it back afterwards, which orders every use of it. After a
/// failure the instance is dropped, never reused, since its memory may be half-written.
/// Every access to the module's memory is bounds-checked here first: WasmKit's own memory
/// accessors stop the process on an out-of-bounds offset, and offsets come from the module.
final class FilterInstance: @unchecked Sendable {
    let name: String
    let instance: Instance
    private let store: Store
    let limits: FilterLimits
    /// The size of the instance's memory when it was made, in bytes.
    private let initialMemoryBytes: Int

    init(module: FilterModule) throws(FilterError) {
        name = module.name
        limits = module.limits
        store = Store(engine: module.engine)
        do {
            store.fuel = Fuel(remaining: module.limits.baseFuel)
            instance = try module.module.instantiate(store: store)
        } catch {
            throw .invalidModule(name: module.name, reason: "cannot be instantiated (\(error))")
        }
        initialMemoryBytes = instance.exports[memory: "memory"]?.byteCount ?? 0
    }

    /// How many bytes the instance's memory has grown since it was made (it never shrinks).
    var memoryGrowth: Int {
        (instance.exports[memory: "memory"]?.byteCount ?? 0) - initialMemoryBytes
    }

    private var memory: Memory {
        get throws(FilterError) {
            guard let memory = instance.exports[memory: "memory"] else {
                throw .invalidModule(name: name, reason: "does not export its memory")
            }
            return memory
        }
    }

    /// Calls an export with i32 arguments under a fuel budget; returns its i32 result (0 when it
    /// has none).
    /// - Throws: `FilterError.failed(.processingFailed)` on a trap or when the fuel runs out.
    @discardableResult
    func call(_ export: String, _ arguments: [UInt32] = [], fuel: UInt64) throws(FilterError) -> UInt32 {
        guard let function = instance.exports[function: export] else {
            throw .invalidModule(name: name, reason: "does not export \(export)")
        }
        store.fuel = Fuel(remaining: fuel)
        let results: [Value]
        do {
            results = try function.invoke(arguments.map { .i32($0) })
        } catch {
            let text = String(describing: error)
            let detail =
                text.contains("fuel") ? "ran out of fuel" : "trapped: \(text.split(whereSeparator: \.isNewline).first ?? "")"
            throw .failed(name: name, kind: .processingFailed, detail: detail)
        }
        guard case .i32(let value)? = results.first else { return 0 }
        return value
    }

    /// Calls an export that returns an ABI status, and throws the status's error kind.
    func callChecked(_ export: String, _ arguments: [UInt32], fuel: UInt64) throws(FilterError) {
        let status = try call(export, arguments, fuel: fuel)
        if let kind = FilterABI.errorKind(status: status) {
            throw .failed(name: name, kind: kind, detail: "\(export) returned status \(status)")
        }
    }

    /// Asks the module for `size` bytes of its memory.
    func allocate(_ size: Int) throws(FilterError) -> UInt32 {
        guard size >= 0, size <= limits.maxMemoryBytes else {
            throw .failed(name: name, kind: .outOfMemory, detail: "\(size) bytes is over the memory cap")
        }
        let offset = try call("imgedge_alloc", [UInt32(size)], fuel: limits.baseFuel)
        guard offset != 0 else {
            throw .failed(name: name, kind: .outOfMemory, detail: "could not allocate \(size) bytes")
        }
        try checkBounds(offset: offset, count: size)
        return offset
    }

    /// Writes the filter's arguments as little-endian f32 values; returns their offset and count.
    func writeArguments(_ arguments: [Float]) throws(FilterError) -> (offset: UInt32, count: UInt32) {
        let offset = try allocate(max(4, arguments.count * 4))
        let bytes = arguments.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
        try bytes.withUnsafeBytes { buffer in Result { () throws(FilterError) in try write(buffer, at: offset) } }.get()
        return (offset, UInt32(arguments.count))
    }

    /// Copies `bytes` into the module's memory at `offset`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: UInt32) throws(FilterError) {
        try checkBounds(offset: offset, count: bytes.count)
        try memory.withUnsafeMutableBufferPointer(offset: UInt(offset), count: bytes.count) { target in
            target.copyMemory(from: bytes)
        }
    }

    /// Copies `count` bytes out of the module's memory at `offset` into `target`.
    func read(into target: UnsafeMutableRawBufferPointer, from offset: UInt32) throws(FilterError) {
        try checkBounds(offset: offset, count: target.count)
        try memory.withUnsafeBufferPointer(offset: UInt(offset), count: target.count) { source in
            target.copyMemory(from: source)
        }
    }

    /// Reads `count` bytes at `offset`.
    func read(count: Int, at offset: UInt32) throws(FilterError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        try bytes.withUnsafeMutableBytes { buffer in Result { () throws(FilterError) in try read(into: buffer, from: offset) } }
            .get()
        return bytes
    }

    /// The module's description of its arguments, as one line of printable text.
    func description() throws(FilterError) -> String {
        let length = Int(try call("imgedge_describe_length", fuel: limits.baseFuel))
        guard (0...FilterABI.maxDescriptionBytes).contains(length) else {
            throw .invalidModule(
                name: name, reason: "describes itself in \(length) bytes, more than \(FilterABI.maxDescriptionBytes)")
        }
        let bytes = try read(count: length, at: try call("imgedge_describe", fuel: limits.baseFuel))
        return String(decoding: bytes, as: UTF8.self).filter {
            !$0.isNewline && $0.unicodeScalars.allSatisfy { !$0.properties.isDefaultIgnorableCodePoint && $0.value >= 0x20 }
        }
    }

    private func checkBounds(offset: UInt32, count: Int) throws(FilterError) {
        guard count >= 0, Int(offset) + count <= (try memory.byteCount) else {
            throw .failed(name: name, kind: .processingFailed, detail: "offset \(offset) + \(count) bytes is outside its memory")
        }
    }
}
