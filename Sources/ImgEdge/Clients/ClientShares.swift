import Synchronization

/// How many of something (connections, requests holding a worker place) each client holds,
/// each client at most `limit`.
///
/// A client's count is removed when it falls to zero, so the table holds only clients holding
/// something now: its size is bounded by what the server holds, not by how many clients came.
final class ClientShares: Sendable {
    private let counts = Mutex<[ClientAddress: Int]>([:])
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes one share for `client`; false, taking nothing, when it holds `limit` already.
    func take(_ client: ClientAddress) -> Bool {
        counts.withLock { counts in
            let held = counts[client, default: 0]
            guard held < limit else { return false }
            counts[client] = held + 1
            return true
        }
    }

    /// Gives back one share `take` gave `client`.
    func release(_ client: ClientAddress) {
        counts.withLock { counts in
            guard let held = counts[client] else { return }
            counts[client] = held > 1 ? held - 1 : nil
        }
    }

    /// What `client` holds now.
    func held(by client: ClientAddress) -> Int {
        counts.withLock { $0[client, default: 0] }
    }
}
