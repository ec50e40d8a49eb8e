import CCachedFile
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

/// The POSIX calls the disk tier makes on its files, each retried on `EINTR` and looped over
/// short reads and writes, none following a symlink.
///
/// Every function but `readCached` may wait for the disk: call them only on `NIOThreadPool`,
/// never on an event loop.
enum DiskFileCalls {
    /// The whole file at `path`, if it is exactly `length` bytes long, no component of its path
    /// is a symlink, and the kernel's caches hold its path and all its bytes; nil otherwise, or on
    /// any failure, without waiting for the disk (see `imgedge_cached_file.h`). The one call an
    /// event loop may make: a caller that gets nil reads the file with `read(_:length:)` on the
    /// thread pool, which tells a missing or damaged file from one that is only not cached.
    ///
    /// Three system calls: it asks for one byte more than `length` rather than seek for the
    /// file's length, so a file of any other length reads short or long.
    static func readCached(_ path: String, length: Int) -> ByteBuffer? {
        let descriptor = imgedge_open_cached(path)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = ByteBufferAllocator().buffer(capacity: length + 1)
        let count = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length + 1) { space in
            max(0, imgedge_pread_cached(descriptor, space.baseAddress!, length + 1, 0))
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

    /// Writes `header` then `body` to a new file in `temporaryDirectory`, fsyncs it and renames
    /// it to `directory/name`, creating either directory when missing. On failure the temporary
    /// file is removed.
    ///
    /// The temporary file has a fresh random name and is created with `O_EXCL | O_NOFOLLOW`,
    /// mode 0600: whatever is already at that name, a planted symlink included, makes the write
    /// fail rather than be followed or truncated. Both directories are opened without symlinks
    /// (`DiskDirectoryCalls.open`) and the file is created and renamed relative to them, so a
    /// symlinked shard or `tmp/` cannot redirect it. The directory is not fsynced: a crash may
    /// lose the rename, which only costs a miss, while the fsync before it means the name never
    /// points at a partial file.
    static func writeAtomically(
        _ header: ByteBuffer, _ body: ByteBuffer, temporaryDirectory: String, directory: String, name: String
    ) throws(DiskCallError) {
        let temporaries = try DiskDirectoryCalls.open(temporaryDirectory, creating: true)
        defer { close(temporaries) }
        let shard = try DiskDirectoryCalls.open(directory, creating: true)
        defer { close(shard) }
        let temporary = "\(name).\(String(UInt64.random(in: .min ... .max), radix: 16))"
        let temporaryPath = "\(temporaryDirectory)/\(temporary)"
        let descriptor = try openFile(in: temporaries, temporary, temporaryPath, O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
        // A close failing after fsync succeeded cannot have lost data.
        defer { close(descriptor) }
        do throws(DiskCallError) {
            try writeAll(descriptor, header, temporaryPath)
            try writeAll(descriptor, body, temporaryPath)
            guard fsync(descriptor) == 0 else { throw DiskCallError.last("fsync", temporaryPath) }
            guard renameat(temporaries, temporary, shard, name) == 0 else {
                throw DiskCallError.last("rename", "\(directory)/\(name)")
            }
        } catch {
            unlinkat(temporaries, temporary, 0)
            throw error
        }
    }

    /// Opens `path` with `flags`, close-on-exec, retrying on `EINTR`, refusing a symlink in any
    /// of its components (`imgedge_open_no_symlinks`): the disk tier's paths are under its
    /// resolved directory, so a symlink there was planted.
    static func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0) throws(DiskCallError) -> Int32 {
        while true {
            let descriptor = imgedge_open_no_symlinks(path, flags, mode)
            if descriptor >= 0 { return descriptor }
            if errno != EINTR { throw .last("open", path) }
        }
    }

    /// Opens `name` in the open directory `directory` (`path` names it for errors) with `flags`,
    /// close-on-exec and `O_NOFOLLOW`, retrying on `EINTR`.
    private static func openFile(
        in directory: Int32, _ name: String, _ path: String, _ flags: Int32, mode: mode_t
    ) throws(DiskCallError) -> Int32 {
        while true {
            let descriptor = openat(directory, name, flags | O_CLOEXEC | O_NOFOLLOW, mode)
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
