import HTTPTypes
import Logging

/// One line per answered request, at info level: method and target as the message; status,
/// format, cache result, bytes and milliseconds as metadata. `--log-level notice` turns it off.
struct AccessLog: Sendable {
    let logger: Logger

    /// Logs a request for `target` answered with `status` and `headers`, `duration` after its
    /// head arrived; `kind` names what went wrong, for a refusal.
    func record(
        _ method: HTTPRequest.Method, _ target: String, status: HTTPResponse.Status, headers: HTTPFields = [:],
        kind: ErrorKind? = nil, duration: Duration
    ) {
        logger.info(
            "\(method.rawValue) \(target)",
            metadata: {
                var metadata: Logger.Metadata = [
                    "status": "\(status.code)",
                    "ms": "\(Double(Int(duration / .microseconds(100))) / 10)",
                ]
                if let type = headers[.contentType], type.hasPrefix("image/") {
                    metadata["format"] = "\(type.dropFirst("image/".count))"
                }
                metadata["cache"] = headers[.xCache].map { "\($0)" }
                metadata["bytes"] = headers[.contentLength].map { "\($0)" }
                metadata["kind"] = kind.map { "\($0.rawValue)" }
                return metadata
            }())
    }
}
