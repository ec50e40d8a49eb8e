import Foundation
import NIOCore
import NIOPosix
import Vips
import _NIOFileSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Originals read from a local directory, through swift-nio's non-blocking file system.
///
/// `SourcePath` has already refused `..`, hidden, empty and over-long segments; on top of that
/// the real path of every file, symbolic links resolved, must lie under the real path of
/// `root`, so a link inside the directory cannot lead out of it. The size is checked from the
/// file's metadata before any byte is read. A path the client names that cannot be a file
/// under the root (missing, a link out, a name too long, a file used as a directory) is
/// `notFound`, never a server error.
struct FileOrigin: Origin {
    /// The directory originals are read from, as configured.
    let root: String

    init(root: String) {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    func fetch(_ path: SourcePath, limit: Int) async throws(OriginError) -> SourceImage {
        let filePath = try await confined("\(root)/\(path)")
        do {
            return try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(filePath)) { handle in
                let info = try await handle.info()
                guard info.type == .regular else { throw OriginError.notFound }
                guard info.size <= Int64(limit) else { throw OriginError.tooLarge(limit: limit) }
                let buffer = try await handle.readToEnd(maximumSizeAllowed: .bytes(Int64(limit)))
                return SourceImage(
                    bytes: SourceBytes(buffer.readableBytesView),
                    lastModified: HTTPDate.format(secondsSince1970: info.lastDataModificationTime.seconds),
                    version: info.sourceVersion
                )
            }
        } catch let error as OriginError {
            throw error
        } catch let error as FileSystemError where error.code == .notFound {
            throw .notFound
        } catch {
            throw .unavailable("cannot read \(path)")
        }
    }

    func version(of path: SourcePath) async throws(OriginError) -> String? {
        let filePath = try await confined("\(root)/\(path)")
        let info: FileInfo?
        do {
            info = try await FileSystem.shared.info(forFileAt: FilePath(filePath))
        } catch {
            throw .unavailable("cannot read \(path)")
        }
        guard let info, info.type == .regular else { throw .notFound }
        return info.sourceVersion
    }

    /// The real path of `path`, refused unless it lies under the root's real path.
    ///
    /// `realpath` touches the disk once per component, so it runs on NIO's blocking pool.
    private func confined(_ path: String) async throws(OriginError) -> String {
        let root = root
        let resolved: String?
        do {
            resolved = try await NIOThreadPool.singleton.runIfActive {
                guard let rootPath = Self.realPath(root), let filePath = Self.realPath(path) else { return nil }
                return filePath.hasPrefix(rootPath == "/" ? "/" : rootPath + "/") ? filePath : nil
            }
        } catch {
            throw .unavailable("cannot resolve \(path)")
        }
        guard let resolved else { throw .notFound }
        return resolved
    }

    /// `realpath(3)`, or nil when the path does not resolve (missing, a loop, too long, ...).
    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

extension FileInfo {
    /// Size, modification time and status-change time, to the nanosecond. A file rewritten in
    /// place changes its modification time; one replaced by a rename is another inode, whose
    /// status-change time is that of its creation or rename. The status-change time stands in
    /// for the inode number, which the file system reuses once a file is deleted, and which
    /// cannot be set back the way a modification time can (`touch -d`, `cp -p`).
    fileprivate var sourceVersion: String {
        let (modified, changed) = (lastDataModificationTime, lastStatusChangeTime)
        return "file:\(size):\(modified.seconds).\(modified.nanoseconds):\(changed.seconds).\(changed.nanoseconds)"
    }
}
