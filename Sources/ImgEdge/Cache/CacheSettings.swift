/// The variant cache's bounds, and how long what is learnt of sources is trusted.
struct CacheSettings: Sendable {
    /// The memory tier's bound in bytes; 0 turns it off.
    var memoryBytes = 256 << 20
    /// The disk tier's directory, which must be the server's user's alone
    /// (`DiskDirectoryOwnership`); empty: no disk tier, so a default server keeps no state.
    var directory = ""
    /// The disk tier's bound in bytes, each entry counted at its real cost (`DiskTier.weight`).
    var diskBytes = 2 << 30
    /// How long a source's version is trusted before the origin is asked again (a `stat` of a
    /// file, a HEAD request to an HTTP origin).
    var revalidateAfter: Duration = .seconds(60)
    /// How long a source the origin said was missing is answered 404 without asking it again.
    var missingFor: Duration = .seconds(10)
    /// Whether `POST /resize` results are cached too, keyed by the body's SHA-256.
    var cachesUploads = false

    init() {}

    /// The settings of this concern, under `cache.` in a config file.
    static let configurationKeys: [ConfigurationKey<Self>] = [
        .integer(
            "cache.memory_bytes", flag: "memory-cache-bytes", \.memoryBytes, in: 0...(1 << 40),
            help: "Bytes of variants kept in memory, least recently used evicted first (0: none)."),
        .text(
            "cache.directory", flag: "cache-dir", \.directory, allowed: "a directory, or empty for none",
            help: "Directory of the disk tier, which survives restarts: the server's user's alone (made 0700); empty: none."),
        .integer(
            "cache.disk_bytes", flag: "disk-cache-bytes", \.diskBytes, in: 1 << 20...(1 << 50),
            help: "Bytes the disk tier may use, each entry counted in whole file-system blocks plus its index overhead."),
        .seconds(
            "cache.origin_revalidate_seconds", flag: "origin-revalidate-seconds", \.revalidateAfter, in: 0...86_400,
            help: "How long a source's version is trusted before the origin is asked again (stat or HEAD)."),
        .seconds(
            "cache.not_found_seconds", flag: "not-found-seconds", \.missingFor, in: 0...3600,
            help: "How long a missing source is answered 404 without asking the origin again."),
        .boolean(
            "cache.uploads", flag: "cache-uploads", \.cachesUploads,
            help: "Whether POST /resize results are cached too, keyed by the body's SHA-256."),
    ]
}
