import Foundation

/// The path of an original, relative to the origin, checked to stay inside it.
///
/// Built from the URL path of a request: percent-decoded, split on `/`, and refused when a
/// segment is empty, `.` or `..`, starts with a dot (hidden files), is longer than a file
/// name may be (255 bytes), or holds a NUL or a backslash. So `../etc/passwd`, `%2e%2e/x` and
/// `a//b` never reach an origin.
public struct SourcePath: Sendable, Hashable, CustomStringConvertible {
    /// The decoded segments, each non-empty and safe.
    public let segments: [String]

    /// Validates a request path such as `/photos/cat.jpg` (leading slash optional).
    /// - Returns: nil when the path is empty or unsafe.
    public init?(urlPath: some StringProtocol) {
        let trimmed = urlPath.drop { $0 == "/" }
        guard !trimmed.isEmpty, trimmed.utf8.count <= 1024 else { return nil }
        var segments: [String] = []
        for raw in trimmed.split(separator: "/", omittingEmptySubsequences: false) {
            // Decoding goes through Foundation's string machinery: skipped when there is nothing to decode.
            let decoded = raw.contains("%") ? String(raw).removingPercentEncoding : String(raw)
            guard let segment = decoded, Self.isSafe(segment) else { return nil }
            segments.append(segment)
        }
        self.segments = segments
    }

    /// The path joined with `/`, without a leading slash.
    public var description: String {
        segments.joined(separator: "/")
    }

    private static func isSafe(_ segment: String) -> Bool {
        !segment.isEmpty && segment.utf8.count <= 255 && !segment.hasPrefix(".") && !segment.contains("\0") && !segment.contains("\\")
            && !segment.contains("/")
    }
}
