import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The disk tier's background jobs, each run by the one drainer, so none overlaps another.
extension DiskTier {
    func run(_ job: DiskJob) async {
        switch job {
        case .prepare:
            await prepare()
        case .write(let variant, let key):
            await write(variant, for: key)
        case .discard(let key, let name):
            // A write queued before this discard may have put the key back.
            if index.withLock({ $0.peek(key) == nil }) {
                await removeEntryFiles([name])
            }
        }
    }

    /// Creates the directory, removes leftover temporary files, and indexes the entries found,
    /// oldest modified first, so what was used last survives an eviction longest.
    private func prepare() async {
        let (directory, temporaryDirectory, capacity) = (directory, temporaryDirectory, capacity)
        let shards: [String]
        do {
            shards = try await NIOThreadPool.singleton.runIfActive {
                try DiskDirectoryCalls.empty(temporaryDirectory)
                return DiskDirectoryScan.shardNames(in: directory)
            }
        } catch {
            failed(error)
            return
        }
        var found: [DiskDirectoryScan.Entry] = []
        for shard in shards {
            // One hop per shard, so the scan never holds a pool thread for long.
            found +=
                (try? await NIOThreadPool.singleton.runIfActive {
                    DiskDirectoryScan.entries(in: directory, shard: shard, capacity: capacity)
                }) ?? []
        }
        found.sort { $0.modified < $1.modified }
        let (evicted, count, bytes) = index.withLock { table in
            var evicted: [String] = []
            for entry in found {
                let indexed = IndexEntry(
                    storageName: entry.storageName, header: entry.header, fileLength: entry.fileLength, id: nextEntryID())
                let cost = weight(fileLength: entry.fileLength, key: entry.key)
                if cost > capacity {
                    evicted.append(entry.storageName)  // one the table cannot hold at all goes, rather than stay unindexed
                } else {
                    evicted += table.insert(indexed, for: entry.key, weight: cost).map(\.value.storageName)
                }
            }
            return (evicted, table.count, table.weight)
        }
        await removeEntryFiles(evicted)
        logger.info("disk cache indexed", metadata: ["directory": "\(directory)", "entries": "\(count)", "bytes": "\(bytes)"])
    }

    /// Writes `variant`'s entry, indexes it, and removes the files its insertion evicted.
    private func write(_ variant: CachedVariant, for key: VariantKey) async {
        let name = key.storageName
        let (temporaryDirectory, shard, capacity) = (temporaryDirectory, shardPath(name), capacity)
        let length: Int?
        do {
            length = try await NIOThreadPool.singleton.runIfActive { [self] in
                guard let header = DiskEntryFormat.encode(key: key, variant: variant),
                    header.readableBytes + variant.body.readableBytes <= capacity,
                    weight(fileLength: header.readableBytes + variant.body.readableBytes, key: key) <= capacity
                else { return nil }
                try DiskFileCalls.writeAtomically(
                    header, variant.body, temporaryDirectory: temporaryDirectory, directory: shard, name: name
                )
                return header.readableBytes + variant.body.readableBytes
            }
        } catch {
            failed(error)
            return
        }
        guard let length else { return }
        if availability.withLock({ $0.succeeded() }) {
            logger.info("disk cache directory usable again", metadata: ["directory": "\(directory)"])
        }
        let entry = IndexEntry(storageName: name, header: variant.header, fileLength: length, id: nextEntryID())
        let cost = weight(fileLength: length, key: key)
        let evicted = index.withLock { $0.insert(entry, for: key, weight: cost) }
        await removeEntryFiles(evicted.map(\.value.storageName))
    }

    /// Records a failed directory creation or write; warns once per unusable stretch.
    private func failed(_ error: any Error) {
        guard error is DiskCallError else { return }  // otherwise the pool has stopped: shutting down
        let interval = availability.withLock(\.retryInterval)
        if availability.withLock({ $0.failed(at: .now) }) {
            logger.warning(
                "disk cache directory unusable; variants are not stored on disk, retrying after \(interval)",
                metadata: ["directory": "\(directory)", "error": "\(error)"]
            )
        }
    }

    private func removeEntryFiles(_ names: [String]) async {
        guard !names.isEmpty else { return }
        let paths = names.map(entryPath)
        _ = try? await NIOThreadPool.singleton.runIfActive {
            for path in paths { DiskDirectoryCalls.removeFile(path) }
        }
    }
}
