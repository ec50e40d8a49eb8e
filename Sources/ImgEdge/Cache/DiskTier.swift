import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Variants kept in files under one directory, bounded in bytes, least recently used evicted
/// first, kept across restarts.
///
/// An entry is the file `<directory>/<first two hex digits of its storageName>/<storageName>`,
/// laid out as `DiskEntryFormat` says, written to `<directory>/tmp/` and renamed into place. The
/// directory's path is resolved once, at start; under it no symlink is ever followed
/// (`DiskDirectoryCalls`), and subdirectories are created mode 0700. The index, a `ClockTable`
/// by key weighted by each entry's real cost (`weight(fileLength:key:)`: whole file-system
/// blocks, the key, its storage name and the index's own overhead), is all that is held in
/// memory; holding the name there spares a hit the key's SHA-256. A lookup whose
/// `If-None-Match` names the entry's tag is answered from it alone; any other reads and verifies
/// the file, and a file that fails the check is removed and answered as a miss.
///
/// A read whose path and bytes the kernel's caches hold, the usual case for a hot entry, is done
/// on the asking event loop without any disk I/O (`DiskFileCalls.readCached`). All other disk
/// work runs on `NIOThreadPool.singleton`: any other read in one hop, shared by the hits that
/// ask for the entry while it is under way; writes, evictions and the
/// start-up scan one at a time in the background (`DiskJobQueue`), so `store` returns at once
/// and at most `maxPendingWrites` writes and `maxPendingBodyBytes` of bodies wait for the disk.
/// Until the scan has indexed what a previous run left, lookups miss. A directory that cannot be
/// created or written costs one warning; stores are dropped until `retryInterval` passes, then
/// tried again.
final class DiskTier: VariantTier {
    /// What the index holds of one entry file.
    struct IndexEntry: Sendable {
        /// The entry file's name, the key's `storageName`.
        var storageName: String
        var header: VariantHeader
        /// The file's length, header and body.
        var fileLength: Int
        /// Tells this indexing of the file from a later one under the same name.
        var id: UInt64
    }

    /// The most bytes of bodies waiting to be written; a store past it is dropped.
    static let maxPendingBodyBytes = 64 << 20
    /// The most writes waiting, however small their bodies; a store past it is dropped. A
    /// write costs a few file-system calls and an fsync, so 1,024 of them is seconds of disk
    /// work: enough to absorb a burst of misses, not enough to hold a backlog.
    static let maxPendingWrites = 1024
    /// What an entry costs beyond its file's blocks: its inode (256 bytes on ext4) and its
    /// index entry in memory (the table's slot and ring slot, the header's strings).
    static let entryOverhead = 512
    /// The longest entry file read on an event loop: its copy and checksum take a few tens of
    /// microseconds there, where a trip to the thread pool and back would cost as much.
    static let maxEventLoopReadLength = 512 << 10

    /// The directory, its symlinks resolved at start.
    let directory: String
    /// The most bytes of entries kept, each weighed by `weight(fileLength:key:)`.
    let capacity: Int
    /// The file system's allocation unit in `directory`, at least 4096 bytes.
    let blockSize: Int
    let logger: Logger
    let index: Mutex<ClockTable<VariantKey, IndexEntry>>
    let availability: Mutex<DiskAvailability>
    private let jobs = Mutex(
        DiskJobQueue<CheckedContinuation<Void, Never>>(
            maxPendingBodyBytes: maxPendingBodyBytes, maxPendingWrites: maxPendingWrites))
    private let entryIDs = Atomic<UInt64>(0)
    /// Thread-pool reads under way, by entry id: a hit on an entry that is being read waits for
    /// that read and shares its buffer, so concurrent hits of one cold entry cost one read and
    /// one copy in memory, not one each.
    private let reads = Mutex<[UInt64: EventLoopFuture<CachedVariant?>]>([:])

    /// Resolves the directory's path and reads its file system's block size, then opens the
    /// directory (creating it) and indexes the entries already there in the background.
    ///
    /// - Parameters:
    ///   - capacity: the most bytes of entries kept, each weighed by `weight(fileLength:key:)`.
    ///   - retryInterval: how long stores are dropped after the directory failed a write.
    init(directory: String, capacity: Int, logger: Logger, retryInterval: Duration = .seconds(30)) {
        self.directory = DiskDirectoryCalls.resolved(directory)
        self.capacity = capacity
        blockSize = DiskDirectoryCalls.blockSize(of: self.directory)
        self.logger = logger
        index = Mutex(ClockTable(capacity: capacity))
        availability = Mutex(DiskAvailability(retryInterval: retryInterval))
        enqueue(.prepare)
    }

    func lookup(_ key: VariantKey, ifNoneMatch: String?, on eventLoop: any EventLoop) -> EventLoopHit<VariantCache.Hit>? {
        guard let entry = index.withLock({ $0.value(for: key) }) else { return nil }
        if let notModified = VariantCache.Hit.notModifiedAnswer(for: entry.header, ifNoneMatch: ifNoneMatch) {
            return .now(notModified)
        }
        return variant(for: key, entry: entry, on: eventLoop)?.map { .variant($0) }
    }

    /// Reads and verifies the file of `entry`, indexed for `key`: on `eventLoop`
    /// itself when it is at most `maxEventLoopReadLength` long and the kernel's caches hold its
    /// path and bytes, so no disk I/O happens there; otherwise on the thread pool, the result
    /// arriving on `eventLoop`. An entry that fails the check is removed and answered as a miss.
    private func variant(
        for key: VariantKey, entry: IndexEntry, on eventLoop: any EventLoop
    ) -> EventLoopHit<CachedVariant>? {
        let path = entryPath(entry.storageName)
        if entry.fileLength <= Self.maxEventLoopReadLength, let file = DiskFileCalls.readCached(path, length: entry.fileLength) {
            guard let variant = DiskEntryFormat.decodeVerified(file, for: key) else {
                removeUntrusted(key, entry: entry)
                return nil
            }
            return .now(variant)
        }
        var started: EventLoopFuture<CachedVariant?>?
        let reading = reads.withLock { reads in
            if let underWay = reads[entry.id] { return underWay }
            let read = NIOThreadPool.singleton.runIfActive(eventLoop: eventLoop) { () -> CachedVariant? in
                guard let file = try? DiskFileCalls.read(path, length: entry.fileLength) else { return nil }
                return DiskEntryFormat.decodeVerified(file, for: key)
            }
            .map { found in
                if found == nil { self.removeUntrusted(key, entry: entry) }
                return found
            }
            .recover { _ in nil }  // the pool has stopped: shutting down
            reads[entry.id] = read
            started = read
            return read
        }
        // Outside the lock: a read that has already ended runs this at once.
        started?.whenComplete { _ in self.reads.withLock { _ = $0.removeValue(forKey: entry.id) } }
        return .later(reading.hop(to: eventLoop))
    }

    /// Forgets `entry`, indexed for `key`, whose file is missing, not whole, not its key's or
    /// fails its checksum, and removes the file.
    private func removeUntrusted(_ key: VariantKey, entry: IndexEntry) {
        logger.notice(
            "disk cache entry unreadable or corrupt; removed", metadata: ["path": "\(entryPath(entry.storageName))"])
        forget(key, entry: entry)
    }

    /// Queues `variant` to be written and returns; dropped when the directory is unusable, too
    /// many bytes wait already, or it could never fit.
    func store(_ variant: CachedVariant, for key: VariantKey) async {
        guard variant.body.readableBytes < capacity, availability.withLock({ $0.acceptsWrites(at: .now) }) else { return }
        enqueue(.write(variant, for: key))
    }

    /// Waits until the start-up scan, queued writes and evictions are done (for tests and shutdown).
    func settle() async {
        await withCheckedContinuation { continuation in
            if !jobs.withLock({ $0.wait(continuation) }) {
                continuation.resume()
            }
        }
    }

    /// Removes `entry`, indexed for `key`, if it is still there, and its file after it.
    private func forget(_ key: VariantKey, entry: IndexEntry) {
        let removed = index.withLock { table in
            guard table.peek(key)?.id == entry.id else { return false }
            table.remove(key)
            return true
        }
        if removed {
            enqueue(.discard(key, storageName: entry.storageName))
        }
    }

    /// What the entry file for `key`, `fileLength` bytes long, costs: its length rounded up to
    /// whole blocks, the bytes of the key and its storage name (both held in the index) and
    /// `entryOverhead`. So a small capacity holds few tiny entries, not millions. `fileLength`
    /// must be at most `capacity`, so the sum cannot overflow.
    func weight(fileLength: Int, key: VariantKey) -> Int {
        let blocks = (fileLength + blockSize - 1) / blockSize
        let keyBytes = key.source.utf8.count + key.version.utf8.count + key.rendering.utf8.count
        return blocks * blockSize + keyBytes + VariantKey.storageNameLength + Self.entryOverhead
    }

    func entryPath(_ name: String) -> String {
        "\(shardPath(name))/\(name)"
    }

    func shardPath(_ name: String) -> String {
        "\(directory)/\(name.prefix(2))"
    }

    var temporaryDirectory: String { "\(directory)/tmp" }

    func nextEntryID() -> UInt64 {
        entryIDs.wrappingAdd(1, ordering: .relaxed).newValue
    }

    private func enqueue(_ job: DiskJob) {
        switch jobs.withLock({ $0.enqueue(job) }) {
        case .queued, .dropped:
            break
        case .startDraining:
            Task { await self.drain() }
        }
    }

    /// Runs the queued jobs one after another until none is left, then wakes the `settle` waiters.
    private func drain() async {
        while true {
            switch jobs.withLock({ $0.next() }) {
            case .run(let job):
                await run(job)
            case .idle(let waiters):
                for waiter in waiters { waiter.resume() }
                return
            }
        }
    }
}
