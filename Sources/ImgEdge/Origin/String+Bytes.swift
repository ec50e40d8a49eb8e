import Glibc

extension String {
    /// Whether the two strings are the same UTF-8 bytes.
    ///
    /// `==` on `String` holds for canonically equivalent spellings (`café` in NFC and in NFD),
    /// which are different names to a file system, an origin and a URL: identities (source
    /// paths, versions, cache and coalescing keys) compare with this instead.
    func hasSameBytes(as other: String) -> Bool {
        // One `memcmp` over native strings' contiguous bytes (a memory hit compares its key's
        // long rendering part); byte by byte only for a bridged string without them.
        let compared = utf8.withContiguousStorageIfAvailable { mine in
            other.utf8.withContiguousStorageIfAvailable { theirs in
                mine.count == theirs.count
                    && (mine.isEmpty || mine.baseAddress == theirs.baseAddress
                        || memcmp(mine.baseAddress!, theirs.baseAddress!, mine.count) == 0)
            }
        }
        return (compared ?? nil) ?? utf8.elementsEqual(other.utf8)
    }

    /// Feeds the string's UTF-8 bytes, and their count, to `hasher`: the hash that goes with
    /// `hasSameBytes(as:)`, where `String`'s own hashes canonically equivalent spellings alike.
    func hashBytes(into hasher: inout Hasher) {
        hasher.combine(utf8.count)
        let hashed: Void? = utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil {
            for byte in utf8 { hasher.combine(byte) }
        }
    }
}

extension String? {
    /// `String.hasSameBytes(as:)`, with nil equal only to nil.
    func hasSameBytes(as other: String?) -> Bool {
        switch (self, other) {
        case (nil, nil): true
        case (let some?, let other?): some.hasSameBytes(as: other)
        default: false
        }
    }

    /// `String.hashBytes(into:)`, with nil hashed apart from every string.
    func hashBytes(into hasher: inout Hasher) {
        hasher.combine(self != nil)
        self?.hashBytes(into: &hasher)
    }
}
