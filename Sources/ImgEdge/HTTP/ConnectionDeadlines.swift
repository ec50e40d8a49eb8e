import NIOCore

/// The deadlines of one connection's phases, as pure state: fed what happens on the connection
/// and asked, now and then, whether it must close.
///
/// - Waiting for a request (opened, or its last response ended): `idle`.
/// - Reading a request's head, from the first byte that arrived with no request in flight:
///   `head`, shorter than `idle`, so a client that sends half a head and stops is closed
///   soon.
/// - Receiving a request's body, from its head to its end: `body`. At the deadline the body
///   fails with `BodyTimedOut`, whether or not anything arrives, so the request answers 408
///   and gives up its worker place at once.
/// - A request in flight (its head and body arrived, its response has not ended): no deadline
///   here; a render has its own.
/// - Writing: while the channel is not writable (more is waiting to be sent than its high
///   watermark), `write`; a client that reads nothing is closed, whatever the phase.
struct ConnectionDeadlines {
    /// How long each phase may last.
    struct Timeouts: Sendable {
        var idle: TimeAmount
        var head: TimeAmount
        var body: TimeAmount
        var write: TimeAmount

        /// How often a connection checks its deadlines: a quarter of the shortest, between 10 ms
        /// and a second, so a deadline fires at most that late and a busy connection arms no
        /// timer per request.
        var checkInterval: TimeAmount {
            let shortest = min(idle, head, body, write)
            return min(max(.nanoseconds(shortest.nanoseconds / 4), .milliseconds(10)), .seconds(1))
        }
    }

    /// Which deadline passed.
    enum Expiry: String, Equatable, Sendable {
        case idle
        case slowHead = "slow-head"
        /// The only one that does not close the connection: the body fails, and its request
        /// answers.
        case slowBody = "slow-body"
        case slowReader = "slow-reader"
    }

    /// What a request body that passed its deadline fails with.
    struct BodyTimedOut: Error {}

    let timeouts: Timeouts
    /// Requests whose heads have arrived and whose responses have not ended.
    private var inFlight = 0
    /// When the connection began waiting for a request.
    private var waitingSince: NIODeadline
    /// When bytes of a request head first arrived with no request in flight; nil when none have.
    private var headStartedAt: NIODeadline?
    /// When the body of the latest request must have ended; nil once it has (or failed).
    private var bodyDueBy: NIODeadline?
    /// Since when the channel has not been writable; nil while it is.
    private var unwritableSince: NIODeadline?

    init(timeouts: Timeouts, openedAt: NIODeadline) {
        self.timeouts = timeouts
        waitingSince = openedAt
    }

    /// Bytes arrived from the client, before the request decoder saw them.
    mutating func bytesArrived(at now: NIODeadline) {
        if inFlight == 0, headStartedAt == nil {
            headStartedAt = now
        }
    }

    /// A request's head has been decoded.
    mutating func headArrived(at now: NIODeadline) {
        inFlight += 1
        headStartedAt = nil
        bodyDueBy = now + timeouts.body
    }

    /// A request's end has been decoded: its body has arrived whole.
    mutating func requestEnded() {
        bodyDueBy = nil
    }

    /// The body that passed its deadline has been failed.
    mutating func bodyFailed() {
        bodyDueBy = nil
    }

    /// A response has been written to its end.
    mutating func responseEnded(at now: NIODeadline) {
        inFlight = max(0, inFlight - 1)
        if inFlight == 0 {
            waitingSince = now
        }
    }

    mutating func writabilityChanged(isWritable: Bool, at now: NIODeadline) {
        unwritableSince = isWritable ? nil : (unwritableSince ?? now)
    }

    /// The deadline that has passed at `now`, if any.
    func expiry(at now: NIODeadline) -> Expiry? {
        if let since = unwritableSince, since + timeouts.write <= now {
            return .slowReader
        }
        if let due = bodyDueBy, due <= now {
            return .slowBody
        }
        guard inFlight == 0 else { return nil }
        if let started = headStartedAt, started + timeouts.head <= now {
            return .slowHead
        }
        return waitingSince + timeouts.idle <= now ? .idle : nil
    }
}
