#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a module file with bounds: the directory is the operator's, but a stray FIFO or a link
/// to `/dev/zero` must not hang or exhaust the loader.
enum ModuleFile {
    /// The bytes of the regular file at `path`, at most `limit` of them.
    ///
    /// Opened non-blocking, so a FIFO without a writer does not hang the open; anything but a
    /// regular file, or a file over `limit`, is refused before its contents are read.
    static func read(_ path: String, limit: Int, name: String) throws(FilterError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw .invalidModule(name: name, reason: "cannot be opened") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw .invalidModule(name: name, reason: "is not a regular file")
        }
        guard status.st_size <= limit else {
            throw .invalidModule(name: name, reason: "is larger than \(limit) bytes")
        }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { throw .invalidModule(name: name, reason: "cannot be read") }
            offset += count
        }
        return bytes
    }
}
