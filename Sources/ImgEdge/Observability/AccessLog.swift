package import HTTPTypes

/// One line per answered request, at info level, in the format of the other log lines: method
/// and target as the message; `status`, `format`, `cache` (the `X-Cache` value), `bytes`, `ms`,
/// and `kind` for a refusal, as metadata. `--log-level notice` turns it off.
///
/// The lines are not swift-log's: each is formatted into bytes the answering thread keeps and
/// handed to `AccessLogWriter` (no `Logger.Metadata`, no date formatter, no lock while formatting,
/// no `write` on the answering thread), and looks as swift-log's text handler or
/// `JSONLogHandler` would have written it.
package struct AccessLog: Sendable {
    /// Where the lines go; nil: nowhere. Stopped by the application, last, so that it writes
    /// every request's line.
    package let writer: AccessLogWriter?
    private let format: LogFormat
    /// The logger's label, as the other lines carry it.
    private let label: String

    /// A log writing to `writer`, or none when `writer` is nil.
    package init(writer: AccessLogWriter?, format: LogFormat, label: String = "imgedge") {
        self.writer = writer
        self.format = format
        self.label = label
    }

    /// Logs a request for `target` answered with `status` and `headers`, `duration` after its
    /// head arrived; `kind` names what went wrong, for a refusal.
    package func record(
        _ method: HTTPRequest.Method, _ target: String, status: HTTPResponse.Status, headers: HTTPFields = [:],
        kind: ErrorKind? = nil, duration: Duration
    ) {
        guard let writer else { return }
        var fields = Fields(status: status.code, kind: kind?.rawValue, tenthsOfMilliseconds: Int(duration / .microseconds(100)))
        // One pass: `headers[name]` would search the fields and join the values for each name.
        for field in headers {
            switch field.name {
            case .contentType where field.value.hasPrefix("image/"):
                fields.format = Substring(field.value.utf8.dropFirst("image/".utf8.count))
            case .xCache: fields.cache = field.value
            case .contentLength: fields.bytes = field.value
            default: break
            }
        }
        writer.append { line, clock in
            switch format {
            case .text: appendText(method, target, fields, to: &line, clock: &clock)
            case .json: appendJSON(method, target, fields, to: &line, clock: &clock)
            }
        }
    }

    /// The metadata of one line, in the order both formats write it (sorted by name).
    private struct Fields {
        var status: Int
        var format: Substring? = nil
        var cache: String? = nil
        var bytes: String? = nil
        var kind: String?
        var tenthsOfMilliseconds: Int
    }

    /// `2026-12-07T18:38:27+0000 info imgedge: bytes=… cache=… format=… kind=… ms=… status=… [ImgEdge] GET /…`
    private func appendText(
        _ method: HTTPRequest.Method, _ target: String, _ fields: Fields, to line: inout [UInt8], clock: inout LogClock
    ) {
        clock.appendLocal(to: &line)
        line.appendASCII(" info ")
        line += label.utf8
        line.append(UInt8(ascii: ":"))
        func field(_ name: StaticString, _ value: (inout [UInt8]) -> Void) {
            line.append(UInt8(ascii: " "))
            line.appendASCII(name)
            line.append(UInt8(ascii: "="))
            value(&line)
        }
        fields.bytes.map { bytes in field("bytes") { $0.appendLogText(bytes) } }
        fields.cache.map { cache in field("cache") { $0.appendLogText(cache) } }
        fields.format.map { format in field("format") { $0.appendLogText(format) } }
        fields.kind.map { kind in field("kind") { $0.appendLogText(kind) } }
        field("ms") { $0.appendTenths(fields.tenthsOfMilliseconds) }
        field("status") { $0.appendDecimal(fields.status) }
        line.appendASCII(" [ImgEdge] ")
        line += method.rawValue.utf8
        line.append(UInt8(ascii: " "))
        line.appendLogText(target)
        line.append(UInt8(ascii: "\n"))
    }

    /// `{"bytes":"…","cache":"…","format":"…","kind":"…","label":"imgedge","level":"info","message":"GET /…","ms":"…","source":"ImgEdge","status":"…","time":"…"}`
    private func appendJSON(
        _ method: HTTPRequest.Method, _ target: String, _ fields: Fields, to line: inout [UInt8], clock: inout LogClock
    ) {
        var first = true
        func field(_ name: StaticString, _ value: (inout [UInt8]) -> Void) {
            line.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            line.append(UInt8(ascii: "\""))
            line.appendASCII(name)
            line.appendASCII("\":\"")
            value(&line)
            line.append(UInt8(ascii: "\""))
        }
        fields.bytes.map { bytes in field("bytes") { $0.appendJSONText(bytes) } }
        fields.cache.map { cache in field("cache") { $0.appendJSONText(cache) } }
        fields.format.map { format in field("format") { $0.appendJSONText(format) } }
        fields.kind.map { kind in field("kind") { $0.appendJSONText(kind) } }
        field("label") { $0.appendJSONText(label) }
        field("level") { $0.appendASCII("info") }
        field("message") { message in
            message += method.rawValue.utf8
            message.append(UInt8(ascii: " "))
            message.appendJSONText(target)
        }
        field("ms") { $0.appendTenths(fields.tenthsOfMilliseconds) }
        field("source") { $0.appendASCII("ImgEdge") }
        field("status") { $0.appendDecimal(fields.status) }
        field("time") { clock.appendUTC(to: &$0) }
        line.appendASCII("}\n")
    }
}
