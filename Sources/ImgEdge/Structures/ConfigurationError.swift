/// A configuration the server refuses to start with, and the one-line reason.
///
/// `setting` spells the value at fault the way it was given (`IMGEDGE_QUEUE=-1`,
/// `--port=http`, `limits.max_source_bytes=10 in imgedge.json`), so the message says where to
/// look: `IMGEDGE_QUEUE=-1: queue must be 0...100000`.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The config-file key of the value at fault, if the fault is one value's.
    var key: String?
    /// The value at fault, as it was given.
    var setting: String?
    /// What is wrong, as a phrase.
    var reason: String

    init(key: String? = nil, setting: String? = nil, reason: String) {
        self.key = key
        self.setting = setting
        self.reason = reason
    }

    /// The one-line message.
    public var description: String {
        setting.map { "\($0): \(reason)" } ?? reason
    }
}
