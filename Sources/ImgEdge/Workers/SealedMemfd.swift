import CWorkerProcess
import Glibc
import Vips

/// Bytes in an anonymous file sealed against every change of size or content, to pass to a
/// worker beside a job: the worker reads them, and can change nothing the server holds.
struct SealedMemfd: ~Copyable {
    let descriptor: Int32

    /// A sealed memfd holding `bytes`.
    init(_ bytes: SourceBytes) throws(WorkerSocketError) {
        let descriptor = bytes.withUnsafeBytes { imgedge_sealed_memfd($0.baseAddress, $0.count) }
        guard descriptor >= 0 else { throw .closed(errno: errno) }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Whether `descriptor` is a memfd sealed against writing, growing and shrinking.
    static func isSealed(_ descriptor: Int32) -> Bool {
        imgedge_is_sealed_memfd(descriptor) == 1
    }
}
