/// Encoded image bytes at a fixed address, kept alive by every image decoded from them.
///
/// libvips decodes lazily and never copies its input buffer, so the bytes must outlive every
/// `Image` derived from them. Each `Image` holds a reference to its `SourceBytes`, which makes
/// that true by construction. The storage is immutable after `init`.
public final class SourceBytes: @unchecked Sendable {
    /// Owned by this object, freed in `deinit`; one byte larger than needed so that empty
    /// input still has an address.
    private let storage: UnsafeMutableRawBufferPointer

    /// The number of bytes.
    public let count: Int

    /// Copies `bytes` into storage with a stable address.
    public init(_ bytes: some Collection<UInt8>) {
        storage = .allocate(byteCount: bytes.count + 1, alignment: 16)
        count = storage.initializeMemory(as: UInt8.self, fromContentsOf: bytes).count
    }

    /// `count` bytes that `fill` writes, every one of them, into storage with a stable address.
    public init<Failure: Error>(
        count: Int, filling fill: (UnsafeMutableRawBufferPointer) throws(Failure) -> Void
    ) throws(Failure) {
        storage = .allocate(byteCount: count + 1, alignment: 16)
        self.count = count
        try fill(UnsafeMutableRawBufferPointer(rebasing: storage[0..<count]))
    }

    /// The bytes, valid as long as this object lives.
    var buffer: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: storage[0..<count])
    }

    /// Calls `body` with the bytes.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(buffer)
    }

    deinit {
        storage.deallocate()
    }
}
