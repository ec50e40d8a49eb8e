import Glibc

/// The time as log lines spell it, each spelling made once a second rather than once a line:
/// swift-log's text timestamp (local time, `2026-12-07T18:38:27+0000`) and the JSON lines' (UTC,
/// with milliseconds: `2026-12-07T18:38:27.123Z`).
struct LogClock {
    private var local = SecondText(format: "%Y-%m-%dT%H:%M:%S%z", local: true)
    /// Up to the seconds, without the fraction.
    private var utc = SecondText(format: "%Y-%m-%dT%H:%M:%S", local: false)

    /// Appends the current local time as swift-log's `StreamLogHandler` writes it.
    mutating func appendLocal(to line: inout [UInt8]) {
        line += local.text(of: Self.now().tv_sec)
    }

    /// Appends the current time in UTC, ISO 8601 with milliseconds.
    mutating func appendUTC(to line: inout [UInt8]) {
        let now = Self.now()
        line += utc.text(of: now.tv_sec)
        let milliseconds = now.tv_nsec / 1_000_000
        line.append(UInt8(ascii: "."))
        line.append(UInt8(ascii: "0") + UInt8(milliseconds / 100))
        line.append(UInt8(ascii: "0") + UInt8(milliseconds / 10 % 10))
        line.append(UInt8(ascii: "0") + UInt8(milliseconds % 10))
        line.append(UInt8(ascii: "Z"))
    }

    private static func now() -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now
    }
}

/// One `strftime` spelling of a second, kept until the second changes.
private struct SecondText {
    let format: String
    let local: Bool
    private var second = -1
    private var text: [UInt8] = []

    init(format: String, local: Bool) {
        self.format = format
        self.local = local
    }

    /// The spelling of `second` (seconds since the epoch).
    mutating func text(of second: Int) -> [UInt8] {
        if second != self.second {
            self.second = second
            var seconds = time_t(second)
            var parts = tm()
            if local {
                localtime_r(&seconds, &parts)
            } else {
                gmtime_r(&seconds, &parts)
            }
            var spelled = [CChar](repeating: 0, count: 64)
            let count = strftime(&spelled, spelled.count, format, &parts)
            text = spelled.prefix(count).map { UInt8(bitPattern: $0) }
        }
        return text
    }
}
