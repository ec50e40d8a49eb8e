import Foundation
import Synchronization

/// The `Date` header's value now, formatted once a second rather than once a response.
final class CurrentHTTPDate: Sendable {
    private let cached = Mutex<(second: Int, text: String)>((-1, ""))

    var value: String {
        let now = Int(Date.now.timeIntervalSince1970)
        return cached.withLock { cached in
            if cached.second != now {
                cached = (now, HTTPDate.format(secondsSince1970: now))
            }
            return cached.text
        }
    }
}
