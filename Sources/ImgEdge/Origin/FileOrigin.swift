import Foundation
import NIOCore
import Vips
import _NIOFileSystem

/// Originals read from a local directory, through swift-nio's non-blocking file system.
///
/// `SourcePath` has already refused `..`, hidden and empty segments, so a path cannot climb out
/// of `root`. The size is checked from the file's metadata before any byte is read.
public struct FileOrigin: Origin {
    /// The directory originals are read from.
    public let root: String

    public init(root: String) {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    public func fetch(_ path: SourcePath, limit: Int) async throws(OriginError) -> SourceImage {
        let filePath = FilePath("\(root)/\(path)")
        do {
            return try await FileSystem.shared.withFileHandle(forReadingAt: filePath) { handle in
                let info = try await handle.info()
                guard info.type == .regular else { throw OriginError.notFound }
                guard info.size <= Int64(limit) else { throw OriginError.tooLarge(limit: limit) }
                let buffer = try await handle.readToEnd(maximumSizeAllowed: .bytes(Int64(limit)))
                let modified = info.lastDataModificationTime
                return SourceImage(
                    bytes: SourceBytes(buffer.readableBytesView),
                    lastModified: HTTPDate.format(secondsSince1970: Int(modified.seconds))
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
}
