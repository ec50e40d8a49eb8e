import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The start-up check of the disk tier's directory: it must be the server's user's alone.
///
/// Whoever can write to the directory decides what the server serves from it, so a directory
/// owned by another user, or writable by group or others, is refused before the server starts,
/// like any other configuration error. A missing one is created, mode 0700 (missing parents
/// too). A symlink naming the directory is followed (systemd's `DynamicUser` makes
/// `/var/cache/NAME` one); it is the directory it names that is checked. A path that is not a
/// directory is left to the tier, which warns and stores nothing there.
enum DiskDirectoryOwnership {
    /// Creates `path` when missing; throws when it is owned by another user than `user` or
    /// writable by group or others.
    ///
    /// Blocks on the file system: call it at start, before serving.
    static func claim(_ path: String, for user: uid_t = geteuid()) throws(ConfigurationError) {
        func refused(_ reason: String) -> ConfigurationError {
            ConfigurationError(key: "cache.directory", setting: "cache.directory=\(path)", reason: reason)
        }
        if !FileManager.default.fileExists(atPath: path) {
            do {
                try DiskDirectoryCalls.make(path)
            } catch {
                throw refused("cannot be created: \(String(cString: strerror(error.code)))")
            }
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: DiskDirectoryCalls.resolved(path)),
            let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value,
            let permissions = (attributes[.posixPermissions] as? NSNumber)?.uint32Value
        else { throw refused("cannot be examined") }
        guard owner == user else {
            throw refused("is owned by uid \(owner), not by the server's user (uid \(user)); chown it or name another")
        }
        let mode = permissions & 0o777
        guard mode & 0o022 == 0 else {
            throw refused("is writable by group or others (mode \(String(mode, radix: 8))); chmod 0700 it")
        }
    }
}
