import CCachedFile
import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call on a disk cache file: which call, on which path, and `errno`.
struct DiskCallError: Error, CustomStringConvertible {
    var call: String
    var path: String
    var code: Int32

    /// The last `errno`, for `call` on `path`.
    static func last(_ call: String, _ path: String) -> DiskCallError {
        DiskCallError(call: call, path: path, code: errno)
    }

    var description: String { "\(call) \(path): \(String(cString: strerror(code)))" }
}

/// The POSIX calls the disk tier makes, each retried on `EINTR` and looped over short reads and
/// writes.
///
/// Every function but `readCached` may wait for the disk: call them only on `NIOThreadPool`,
/// never on an event loop.
enum DiskFileCalls {
    /// The whole file at `path`, if it is exactly `length` bytes long and the kernel's caches
    /// hold its path and all its bytes; nil otherwise, or on any failure, without waiting for the
    /// disk (see `imgedge_cached_file.h`). The one call an event loop may make: a caller that
    /// gets nil reads the file with `read(_:length:)` on the thread pool, which tells a missing
    /// or damaged file from one that is only not cached.
    static func readCached(_ path: String, length: Int) -> ByteBuffer? {
        let descriptor = imgedge_open_cached(path)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        guard (try? self.length(descriptor, path)) == length else { return nil }
        var buffer = ByteBufferAllocator().buffer(capacity: length)
        let count = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { space in
            max(0, imgedge_pread_cached(descriptor, space.baseAddress!, length, 0))
        }
        return count == length ? buffer : nil
    }

    /// The whole file at `path`, read straight into one buffer, if it is exactly `length`
    /// bytes long: open, seek to the end for the length, read and close in one go.
    static func read(_ path: String, length: Int) throws(DiskCallError) -> ByteBuffer {
        let descriptor = try openFile(path, O_RDONLY)
        defer { close(descriptor) }
        guard try self.length(descriptor, path) == length else {
            throw DiskCallError(call: "length check", path: path, code: EBADMSG)
        }
        return try read(descriptor, path, length: length)
    }

    /// The length of the open file `descriptor`, from seeking to its end.
    static func length(_ descriptor: Int32, _ path: String) throws(DiskCallError) -> Int {
        let end = lseek(descriptor, 0, SEEK_END)
        guard end >= 0 else { throw .last("lseek", path) }
        return Int(end)
    }

    /// Up to `maxLength` bytes from the start of the open file `descriptor`; fewer when it ends first.
    static func read(_ descriptor: Int32, _ path: String, length maxLength: Int) throws(DiskCallError) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: maxLength)
        var failure: DiskCallError?
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: maxLength) { space in
            var done = 0
            while done < maxLength {
                let count = pread(descriptor, space.baseAddress! + done, maxLength - done, off_t(done))
                if count > 0 {
                    done += count
                } else if count == 0 {
                    break
                } else if errno != EINTR {
                    failure = .last("read", path)
                    break
                }
            }
            return done
        }
        if let failure { throw failure }
        return buffer
    }

    /// Writes `header` then `body` to `temporaryDirectory/name`, fsyncs it and renames it to
    /// `directory/name`, creating either directory when missing. On failure the temporary file
    /// is removed.
    ///
    /// The directory is not fsynced: a crash may lose the rename, which only costs a miss,
    /// while the fsync before it means the name never points at a partial file.
    static func writeAtomically(
        _ header: ByteBuffer, _ body: ByteBuffer, temporaryDirectory: String, directory: String, name: String
    ) throws(DiskCallError) {
        let temporary = "\(temporaryDirectory)/\(name)"
        let destination = "\(directory)/\(name)"
        let flags = O_WRONLY | O_CREAT | O_TRUNC
        let descriptor: Int32
        do {
            descriptor = try openFile(temporary, flags, mode: 0o644)
        } catch where error.code == ENOENT {
            try makeDirectory(temporaryDirectory)
            descriptor = try openFile(temporary, flags, mode: 0o644)
        }
        do throws(DiskCallError) {
            try writeAll(descriptor, header, temporary)
            try writeAll(descriptor, body, temporary)
            guard fsync(descriptor) == 0 else { throw DiskCallError.last("fsync", temporary) }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        // A close failing after fsync succeeded cannot have lost data.
        close(descriptor)
        do {
            try renameFile(temporary, destination)
        } catch where error.code == ENOENT {
            do {
                try makeDirectory(directory)
                try renameFile(temporary, destination)
            } catch {
                unlink(temporary)
                throw error
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    private static func renameFile(_ source: String, _ destination: String) throws(DiskCallError) {
        guard rename(source, destination) == 0 else { throw .last("rename", destination) }
    }

    /// Creates `path` and its missing parents; an existing directory is fine.
    static func makeDirectory(_ path: String) throws(DiskCallError) {
        if mkdir(path, 0o755) == 0 { return }
        switch errno {
        case EEXIST:
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw DiskCallError(call: "mkdir", path: path, code: ENOTDIR)
            }
        case ENOENT:
            guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { throw .last("mkdir", path) }
            try makeDirectory(String(path[..<slash]))
            guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw .last("mkdir", path) }
        default:
            throw .last("mkdir", path)
        }
    }

    /// Removes the file at `path`; a missing file is fine.
    static func remove(_ path: String) {
        unlink(path)
    }

    /// Opens `path`, close-on-exec, retrying on `EINTR`.
    static func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0) throws(DiskCallError) -> Int32 {
        while true {
            let descriptor = open(path, flags | O_CLOEXEC, mode)
            if descriptor >= 0 { return descriptor }
            if errno != EINTR { throw .last("open", path) }
        }
    }

    private static func writeAll(_ descriptor: Int32, _ buffer: ByteBuffer, _ path: String) throws(DiskCallError) {
        let failure: DiskCallError? = buffer.withUnsafeReadableBytes { bytes in
            var done = 0
            while done < bytes.count {
                let count = write(descriptor, bytes.baseAddress! + done, bytes.count - done)
                if count >= 0 {
                    done += count
                } else if errno != EINTR {
                    return .last("write", path)
                }
            }
            return nil
        }
        if let failure { throw failure }
    }
}

