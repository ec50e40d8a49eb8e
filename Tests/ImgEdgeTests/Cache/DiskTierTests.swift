import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing
import Vips

@testable import ImgEdge

@Suite("The disk tier: entries that survive restarts, checked on every read, bounded in bytes")
struct DiskTierTests {
    @Test("a stored variant is found, header and body alike, by a new tier on the same directory")
    func persistence() async throws {
        try await withTemporaryDirectory { directory in
            let stored = variant(byteCount: 40_000, seed: 7, lastModified: "Tue, 14 Nov 2023 22:13:20 GMT")
            let first = DiskTier(directory: directory, capacity: 1 << 20, logger: quietLogger)
            await first.store(stored, for: key(1))
            await first.settle()

            let second = DiskTier(directory: directory, capacity: 1 << 20, logger: quietLogger)
            await second.settle()
            #expect(await second.header(for: key(1)) == stored.header)
            let found = try #require(await second.variant(for: key(1)))
            #expect(found.header == stored.header)
            #expect(found.body == stored.body)
            #expect(await second.variant(for: key(2)) == nil)
        }
    }

    @Test("an entry whose bytes the kernel caches is read on the asking event loop; once they are dropped, on the thread pool")
    func eventLoopRead() async throws {
        try await withTemporaryDirectory { directory in
            let stored = variant(byteCount: 40_000, seed: 3)
            let tier = DiskTier(directory: directory, capacity: 1 << 20, logger: quietLogger)
            await tier.store(stored, for: key(1))
            await tier.settle()
            let eventLoop = MultiThreadedEventLoopGroup.singleton.any()

            guard case .now(.variant(let hot))? = tier.lookup(key(1), ifNoneMatch: nil, on: eventLoop) else {
                Issue.record("a file just written was not read at once")
                return
            }
            #expect(hot.body == stored.body)

            try dropCachedPages(of: entryPath(key(1), in: directory))
            guard case .later(let reading)? = tier.lookup(key(1), ifNoneMatch: nil, on: eventLoop) else {
                Issue.record("a file out of the page cache was not left to the thread pool")
                return
            }
            guard case .variant(let cold)? = try await reading.get() else {
                Issue.record("the thread pool's read found nothing")
                return
            }
            #expect(cold.body == stored.body)
        }
    }

    @Test("hits on an entry being read from disk share that read and its buffer")
    func sharedRead() async throws {
        try await withTemporaryDirectory { directory in
            // Past the event loop's read length, so every read goes to the thread pool.
            let stored = variant(byteCount: DiskTier.maxEventLoopReadLength + 1, seed: 4)
            let tier = DiskTier(directory: directory, capacity: 4 << 20, logger: quietLogger)
            await tier.store(stored, for: key(1))
            await tier.settle()
            let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
            // The second lookup must come while the first read is under way: on a loaded machine
            // the read may end first, so a few tries; separate reads never share a buffer.
            var shared = false
            for _ in 0..<10 where !shared {
                guard case .later(let first)? = tier.lookup(key(1), ifNoneMatch: nil, on: eventLoop),
                    case .later(let second)? = tier.lookup(key(1), ifNoneMatch: nil, on: eventLoop),
                    case .variant(let one)? = try await first.get(), case .variant(let other)? = try await second.get()
                else {
                    Issue.record("the entry was not read on the thread pool")
                    return
                }
                #expect(one.body == stored.body && other.body == stored.body)
                let addresses = [one, other].map { $0.body.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } }
                shared = addresses[0] == addresses[1]
            }
            #expect(shared, "two hits during one read share its buffer")
        }
    }

    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case bodyByteFlipped
        case lastBytesCut
        case anotherKeysEntry
        /// The header says it was rendered at `Int64.min`; the body and its checksum are intact.
        case renderedAtInt64Min

        var testDescription: String { rawValue }
    }

    @Test("a damaged entry is a miss, and its file is removed", arguments: Damage.allCases)
    func damagedEntry(_ damage: Damage) async throws {
        try await withTemporaryDirectory { directory in
            let tier = DiskTier(directory: directory, capacity: 1 << 20, logger: quietLogger)
            await tier.store(variant(byteCount: 10_000, seed: 1), for: key(1))
            await tier.store(variant(byteCount: 10_000, seed: 2), for: key(2))
            await tier.settle()
            let path = entryPath(key(1), in: directory)
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            switch damage {
            case .bodyByteFlipped:
                bytes[bytes.count - 5_000] ^= 0x01
            case .lastBytesCut:
                bytes.removeLast(3)
            case .anotherKeysEntry:
                // Same length, so only the key check can tell.
                bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: entryPath(key(2), in: directory))))
            case .renderedAtInt64Min:
                break
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            if damage == .renderedAtInt64Min {
                try DiskEntryFile.rewriteRenderedAt(at: URL(fileURLWithPath: path), to: .min)
            }

            #expect(await tier.variant(for: key(1)) == nil)
            await tier.settle()
            #expect(!FileManager.default.fileExists(atPath: path))
            #expect(await tier.header(for: key(1)) == nil, "the index forgets it too")
            #expect(await tier.variant(for: key(2)) != nil, "the other entry is untouched")
        }
    }

    @Test("under churn the entry files stay within the capacity, the newest kept and the oldest evicted")
    func byteBoundUnderChurn() async throws {
        try await withTemporaryDirectory { directory in
            let capacity = 300_000
            let tier = DiskTier(directory: directory, capacity: capacity, logger: quietLogger)
            for number in 0..<200 {
                await tier.store(variant(byteCount: 10_000, seed: UInt8(number % 251)), for: key(number))
            }
            await tier.settle()
            let sizes = try entryFileSizes(in: directory)
            #expect(sizes.reduce(0, +) <= capacity)
            #expect(sizes.count > 20, "most of the capacity is used")
            #expect(await tier.variant(for: key(199))?.body == variant(byteCount: 10_000, seed: 199).body)
            #expect(await tier.variant(for: key(0)) == nil)
            #expect(!FileManager.default.fileExists(atPath: entryPath(key(0), in: directory)))
        }
    }

    @Test("an entry is charged whole file-system blocks: 25-byte entries beyond capacity / 4096 are evicted")
    func tinyEntriesCostABlock() async throws {
        try await withTemporaryDirectory { directory in
            let capacity = 1 << 20
            let tier = DiskTier(directory: directory, capacity: capacity, logger: quietLogger)
            #expect(tier.blockSize >= 4096)
            for number in 0..<1_000 {
                await tier.store(variant(byteCount: 25, seed: UInt8(number % 251)), for: key(number))
            }
            await tier.settle()
            let sizes = try entryFileSizes(in: directory)
            #expect(sizes.count <= capacity / tier.blockSize, "not capacity / 25, nor capacity / file length")
            #expect(sizes.count > capacity / tier.blockSize / 2, "most of the capacity is used")
            #expect(await tier.variant(for: key(999)) != nil)
            #expect(await tier.variant(for: key(0)) == nil)
        }
    }

    @Test("shards and tmp/ are created 0700 and entry files 0600")
    func modes() async throws {
        try await withTemporaryDirectory { directory in
            let tier = DiskTier(directory: directory, capacity: 1 << 20, logger: quietLogger)
            await tier.store(variant(byteCount: 100, seed: 1), for: key(1))
            await tier.settle()
            #expect(permissions(of: "\(directory)/tmp") == 0o700)
            #expect(permissions(of: "\(directory)/\(key(1).storageName.prefix(2))") == 0o700)
            #expect(permissions(of: entryPath(key(1), in: directory)) == 0o600)
        }
    }

    @Test("a shard planted as a symlink is not written through: it is replaced by a directory of the tier's own")
    func symlinkedShard() async throws {
        try await withTemporaryDirectory { directory in
            try await withTemporaryDirectory { elsewhere in
                let shard = "\(directory)/\(key(1).storageName.prefix(2))"
                try FileManager.default.createSymbolicLink(atPath: shard, withDestinationPath: elsewhere)
                let tier = DiskTier(directory: directory, capacity: 1 << 20, logger: quietLogger)
                await tier.store(variant(byteCount: 100, seed: 1), for: key(1))
                await tier.settle()
                #expect(
                    try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty, "nothing written through the link")
                #expect(try FileManager.default.attributesOfItem(atPath: shard)[.type] as? FileAttributeType == .typeDirectory)
                #expect(await tier.variant(for: key(1))?.body == variant(byteCount: 100, seed: 1).body)
            }
        }
    }

    @Test("a tmp/ planted as a symlink is not emptied through at start, nor written through")
    func symlinkedTemporaryDirectory() async throws {
        try await withTemporaryDirectory { directory in
            try await withTemporaryDirectory { elsewhere in
                let precious = "\(elsewhere)/precious"
                try Data("keep".utf8).write(to: URL(fileURLWithPath: precious))
                try FileManager.default.createSymbolicLink(atPath: "\(directory)/tmp", withDestinationPath: elsewhere)
                let tier = DiskTier(directory: directory, capacity: 1 << 20, logger: quietLogger)
                await tier.store(variant(byteCount: 100, seed: 1), for: key(1))
                await tier.settle()
                #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere) == ["precious"])
                #expect(await tier.variant(for: key(1)) != nil)
            }
        }
    }

    @Test("an entry file planted as a symlink to a sound entry is not indexed, and the link's target is left alone")
    func symlinkedEntry() async throws {
        try await withTemporaryDirectory { directory in
            try await withTemporaryDirectory { elsewhere in
                let first = DiskTier(directory: elsewhere, capacity: 1 << 20, logger: quietLogger)
                await first.store(variant(byteCount: 100, seed: 1), for: key(1))
                await first.settle()
                let target = entryPath(key(1), in: elsewhere)
                let planted = entryPath(key(1), in: directory)
                try FileManager.default.createDirectory(
                    atPath: String(planted.dropLast(key(1).storageName.count + 1)), withIntermediateDirectories: true)
                try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: target)

                let tier = DiskTier(directory: directory, capacity: 1 << 20, logger: quietLogger)
                await tier.settle()
                #expect(await tier.header(for: key(1)) == nil)
                #expect(FileManager.default.fileExists(atPath: target))
            }
        }
    }

    @Test("a directory that is a regular file misses on every read and warns once, however many stores")
    func unusableDirectory() async throws {
        try await withTemporaryDirectory { directory in
            let file = "\(directory)/not-a-directory"
            try Data("plain".utf8).write(to: URL(fileURLWithPath: file))
            let warnings = WarningCounter()
            let tier = DiskTier(directory: file, capacity: 1 << 20, logger: warnings.logger, retryInterval: .zero)
            for number in 0..<5 {
                await tier.store(variant(byteCount: 1_000, seed: 3), for: key(number))
                await tier.settle()
            }
            #expect(await tier.variant(for: key(0)) == nil)
            #expect(await tier.header(for: key(0)) == nil)
            #expect(warnings.count == 1)
            #expect(try String(contentsOfFile: file, encoding: .utf8) == "plain")
        }
    }

    @Test(
        "a full disk drops the variant that does not fit, leaves no temporary file, and takes small ones after",
        // Mounting needs root (CAP_SYS_ADMIN); elsewhere this test cannot make a full disk.
        .enabled(if: canMountTmpfs, "mounting a tmpfs needs root")
    )
    func fullDisk() async throws {
        try await withTemporaryDirectory { directory in
            try run("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", directory])
            defer { try? run("umount", [directory]) }
            let warnings = WarningCounter()
            let cache = "\(directory)/cache"
            let tier = DiskTier(directory: cache, capacity: 10 << 20, logger: warnings.logger, retryInterval: .zero)
            await tier.store(variant(byteCount: 200_000, seed: 4), for: key(1))
            await tier.settle()
            #expect(await tier.variant(for: key(1)) == nil)
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(cache)/tmp").isEmpty)
            #expect(warnings.count == 1)

            await tier.store(variant(byteCount: 4_000, seed: 5), for: key(2))
            await tier.settle()
            #expect(await tier.variant(for: key(2))?.body == variant(byteCount: 4_000, seed: 5).body)
        }
    }
}

// MARK: - Helpers

private let quietLogger = Logger(label: "imgedge.test.disk-tier") { _ in SwiftLogNoOpLogHandler() }

private func key(_ number: Int) -> VariantKey {
    VariantKey(source: "origin:TestImages|photo-\(number).jpg", version: "v1", rendering: "w=100&format=webp")
}

private func variant(byteCount: Int, seed: UInt8, lastModified: String? = nil) -> CachedVariant {
    let bytes = (0..<byteCount).map { UInt8(truncatingIfNeeded: $0 &* 31) &+ seed }
    return CachedVariant(
        header: .init(format: .image(.webp), entityTag: "\"abc\(seed)\"", lastModified: lastModified, renderedAt: 1_700_000_000),
        body: ByteBuffer(bytes: bytes)
    )
}

/// Asks the kernel to drop the cached pages of the file at `path`, which the disk tier wrote
/// and synced, so the next read of it has to go to the disk.
private func dropCachedPages(of path: String) throws {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    defer { close(descriptor) }
    let failure = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
    guard failure == 0 else { throw POSIXError(.init(rawValue: failure) ?? .EIO) }
}

/// The permission bits of what is at `path`; nil when it cannot be examined.
private func permissions(of path: String) -> Int? {
    (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
}

private func entryPath(_ key: VariantKey, in directory: String) -> String {
    "\(directory)/\(key.storageName.prefix(2))/\(key.storageName)"
}

/// The sizes of the entry files, `<directory>/??/*`.
private func entryFileSizes(in directory: String) throws -> [Int] {
    let manager = FileManager.default
    return try manager.contentsOfDirectory(atPath: directory).filter { $0.count == 2 }.flatMap { shard in
        try manager.contentsOfDirectory(atPath: "\(directory)/\(shard)").map { name in
            try manager.attributesOfItem(atPath: "\(directory)/\(shard)/\(name)")[.size] as! Int
        }
    }
}

/// Runs `body` with a fresh, empty directory, removed afterwards.
private func withTemporaryDirectory(_ body: (String) async throws -> Void) async throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("disk-tier-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    try await body(url.path)
}

/// Runs `tool` with `arguments`, throwing unless it exits with 0.
private func run(_ tool: String, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw ToolFailed(tool: tool, status: process.terminationStatus) }
}

private struct ToolFailed: Error {
    var tool: String
    var status: Int32
}

/// Whether a tmpfs can be mounted here: tried once, on a scratch directory.
private let canMountTmpfs: Bool = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("disk-tier-probe-\(UUID().uuidString)")
    guard (try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)) != nil else { return false }
    defer { try? FileManager.default.removeItem(at: url) }
    guard (try? run("mount", ["-t", "tmpfs", "-o", "size=4k", "tmpfs", url.path])) != nil else { return false }
    try? run("umount", [url.path])
    return true
}()

/// A logger that counts the warnings it is given.
private final class WarningCounter: Sendable {
    private let warnings = Atomic<Int>(0)

    var count: Int { warnings.load(ordering: .relaxed) }

    var logger: Logger {
        Logger(label: "imgedge.test.disk-tier") { _ in Handler(counter: self) }
    }

    private struct Handler: LogHandler {
        let counter: WarningCounter
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            if event.level == .warning {
                counter.warnings.add(1, ordering: .relaxed)
            }
        }
    }
}
