import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The POSIX calls the disk tier makes on its directories, none of which passes through a
/// symlink: the directory is hostile until proven otherwise, and a shard or `tmp/` planted as a
/// symlink must not send a listing, a write or a removal elsewhere.
///
/// Paths are under the tier's directory as `DiskTier` resolved it at start (`resolved(_:)`), so
/// the only symlinks they can meet are planted ones. Every function may wait for the disk: call
/// them only on `NIOThreadPool`, never on an event loop.
enum DiskDirectoryCalls {
    /// Directories the tier creates are its user's alone.
    static let mode: mode_t = 0o700

    /// `path` with its symlinks resolved, when it exists; otherwise as given, without a trailing
    /// slash. Called once, when a tier starts.
    static func resolved(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        return path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    /// The file system's allocation unit under `path`, at least 4096 bytes: what the smallest
    /// entry file really costs.
    static func blockSize(of path: String) -> Int {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return 4096 }
        let unit = info.f_frsize > 0 ? Int(info.f_frsize) : Int(info.f_bsize)
        return max(4096, unit)
    }

    /// The directory `path`, opened for `*at` calls and listing. With `creating`, a missing one
    /// is made (mode 0700, parents too), and a symlink or a file where it should be is replaced
    /// by a new, empty directory; without, a missing or symlinked one throws.
    static func open(_ path: String, creating: Bool) throws(DiskCallError) -> Int32 {
        do {
            return try DiskFileCalls.openFile(path, O_RDONLY | O_DIRECTORY)
        } catch let error where creating && [ENOENT, ELOOP, ENOTDIR].contains(error.code) {
            // A symlink at the end of the path is ENOTDIR (O_DIRECTORY) or ELOOP (O_NOFOLLOW).
            if error.code == ENOENT {
                try make(path)
            } else {
                try replaceWithDirectory(path)
            }
            return try DiskFileCalls.openFile(path, O_RDONLY | O_DIRECTORY)
        }
    }

    /// Creates `path` and its missing parents, mode 0700; an existing one is fine (what it is,
    /// `open(_:creating:)` checks).
    static func make(_ path: String) throws(DiskCallError) {
        if mkdir(path, mode) == 0 || errno == EEXIST { return }
        guard errno == ENOENT, let slash = path.lastIndex(of: "/"), slash != path.startIndex else {
            throw .last("mkdir", path)
        }
        try make(String(path[..<slash]))
        guard mkdir(path, mode) == 0 || errno == EEXIST else { throw .last("mkdir", path) }
    }

    /// Removes what is at `path` (a planted symlink, not what it points to) through its parent,
    /// itself opened without symlinks, and makes a directory there. A parent that is no
    /// directory throws.
    private static func replaceWithDirectory(_ path: String) throws(DiskCallError) {
        let (parentPath, name) = split(path)
        let parent = try open(parentPath, creating: false)
        defer { close(parent) }
        unlinkat(parent, name, 0)
        guard mkdirat(parent, name, mode) == 0 || errno == EEXIST else { throw .last("mkdir", path) }
    }

    /// The names in the directory `path`, `.` and `..` left out; none when it cannot be opened
    /// (missing, not a directory, or reached through a symlink).
    static func names(in path: String) -> [String] {
        guard let directory = try? open(path, creating: false) else { return [] }
        return names(inOpen: directory)
    }

    /// The names in the open directory `descriptor`, which this closes.
    private static func names(inOpen descriptor: Int32) -> [String] {
        guard let stream = fdopendir(descriptor) else {
            close(descriptor)
            return []
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Whether `path` is a directory itself, not a symlink to one.
    static func isDirectory(_ path: String) -> Bool {
        // `attributesOfItem` does not follow a symlink at the end of the path.
        (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType == .typeDirectory
    }

    /// Opens (creating) the directory `path` and removes every file in it: temporary files a
    /// stopped process left.
    static func empty(_ path: String) throws(DiskCallError) {
        let directory = try open(path, creating: true)
        defer { close(directory) }
        for name in names(inOpen: dup(directory)) {
            unlinkat(directory, name, 0)
        }
    }

    /// Removes the file at `path` through its parent directory, opened without symlinks; a
    /// missing file or parent is fine.
    static func removeFile(_ path: String) {
        let (parentPath, name) = split(path)
        guard let parent = try? open(parentPath, creating: false) else { return }
        defer { close(parent) }
        unlinkat(parent, name, 0)
    }

    /// `path`'s parent and last component.
    private static func split(_ path: String) -> (parent: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let parent = slash == path.startIndex ? "/" : String(path[..<slash])
        return (parent, String(path[path.index(after: slash)...]))
    }
}
