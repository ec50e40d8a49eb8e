import Foundation

/// The path of an original, relative to the origin, checked to stay inside it.
///
/// Built from the URL path of a request: percent-decoded, split on `/`, and refused when a
/// segment is empty, `.` or `..`, starts with a dot (hidden files), is longer than a file
/// name may be (255 bytes), or holds a NUL or a backslash. So `../etc/passwd`, `%2e%2e/x` and
/// `a//b` never reach an origin.
///
/// Two paths are equal when their segments are the same UTF-8 bytes: `café.jpg` in NFC and in
/// NFD name two files, so they are two sources, with two version records and cache keys.
struct SourcePath: Sendable, Hashable, CustomStringConvertible {
    /// The decoded segments, each non-empty and safe.
    let segments: [String]

    /// Validates a request path such as `/photos/cat.jpg` (leading slash optional).
    /// - Returns: nil when the path is empty or unsafe.
    init?(urlPath: some StringProtocol) {
        let trimmed = urlPath.drop { $0 == "/" }
        guard !trimmed.isEmpty, trimmed.utf8.count <= 1024 else { return nil }
        var segments: [String] = []
        for raw in trimmed.split(separator: "/", omittingEmptySubsequences: false) {
            // Decoding goes through Foundation's string machinery: skipped when there is nothing to decode.
            let decoded = raw.utf8.contains(UInt8(ascii: "%")) ? String(raw).removingPercentEncoding : String(raw)
            guard let segment = decoded, Self.isSafe(segment) else { return nil }
            segments.append(segment)
        }
        self.segments = segments
    }

    /// The path joined with `/`, without a leading slash.
    var description: String {
        segments.joined(separator: "/")
    }

    static func == (left: SourcePath, right: SourcePath) -> Bool {
        left.segments.elementsEqual(right.segments) { $0.hasSameBytes(as: $1) }
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(segments.count)
        for segment in segments { segment.hashBytes(into: &hasher) }
    }

    /// NUL, backslash and slash (a decoded `%2F`).
    private static let forbiddenBytes: Set<UInt8> = [0, UInt8(ascii: "\\"), UInt8(ascii: "/")]

    private static func isSafe(_ segment: String) -> Bool {
        let bytes = segment.utf8
        return !bytes.isEmpty && bytes.count <= 255 && bytes.first != UInt8(ascii: ".")
            && !bytes.contains(where: forbiddenBytes.contains)
    }
}
