import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The start-up look at a disk tier's directory: which entries are there, from their headers
/// alone, and which files to remove.
///
/// Every function blocks its thread on the disk: call them only on `NIOThreadPool`.
enum DiskDirectoryScan {
    /// An entry file found whose header is sound.
    struct Entry: Sendable {
        var key: VariantKey
        var storageName: String
        var header: VariantHeader
        var fileLength: Int
        var modified: Date
    }

    /// Most headers fit in this much of the file's start; a longer one costs a second read.
    static let firstReadLength = 4096

    /// The shard subdirectories of `directory`: two lowercase hex digits, as `DiskTier` names
    /// them, each a directory itself (a symlink planted as a shard is not scanned).
    static func shardNames(in directory: String) -> [String] {
        DiskDirectoryCalls.names(in: directory).filter { name in
            name.utf8.count == 2 && name.utf8.allSatisfy { Array("0123456789abcdef".utf8).contains($0) }
                && DiskDirectoryCalls.isDirectory("\(directory)/\(name)")
        }
    }

    /// The sound entries in the shard `directory/shard`, reading only their headers; files
    /// whose header does not decode, does not belong under this name, or does not match the
    /// file's length (or passes `capacity`) are removed.
    static func entries(in directory: String, shard: String, capacity: Int) -> [Entry] {
        let shardPath = "\(directory)/\(shard)"
        var found: [Entry] = []
        for name in DiskDirectoryCalls.names(in: shardPath) {
            let path = "\(shardPath)/\(name)"
            switch look(at: path, named: name, shard: shard, capacity: capacity) {
            case .entry(let entry): found.append(entry)
            case .unsound: DiskDirectoryCalls.removeFile(path)
            case .notOurs: continue
            }
        }
        return found
    }

    private enum Finding {
        case entry(Entry)
        /// A regular file that is no sound entry: to be removed.
        case unsound
        /// Not a regular file, or not openable now: left alone.
        case notOurs
    }

    private static func look(at path: String, named name: String, shard: String, capacity: Int) -> Finding {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeRegular,
            let modified = attributes[.modificationDate] as? Date,
            let descriptor = try? DiskFileCalls.openFile(path, O_RDONLY | O_NOFOLLOW)
        else { return .notOurs }
        defer { close(descriptor) }
        guard let length = try? DiskFileCalls.length(descriptor, path),
            let header = try? readHeader(descriptor, path, fileLength: length)
        else { return .unsound }
        let key = VariantKey(source: header.keyParts[0], version: header.keyParts[1], rendering: header.keyParts[2])
        guard name.hasPrefix(shard), key.storageName == name, header.fileLength == length, length <= capacity else {
            return .unsound
        }
        return .entry(Entry(key: key, storageName: name, header: header.variant, fileLength: length, modified: modified))
    }

    private static func readHeader(
        _ descriptor: Int32, _ path: String, fileLength: Int
    ) throws(DiskCallError) -> DiskEntryFormat.Header? {
        var start = try DiskFileCalls.read(descriptor, path, length: min(fileLength, firstReadLength))
        guard let (_, headerLength) = DiskEntryFormat.declaredHeader(start), headerLength <= fileLength else { return nil }
        if headerLength > start.readableBytes {
            start = try DiskFileCalls.read(descriptor, path, length: headerLength)
        }
        return DiskEntryFormat.decodeHeader(start)
    }
}
