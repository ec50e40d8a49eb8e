import DequeModule
import NIOHTTP1

extension CacheHitHandler {
    /// What `CacheHitHandler` does with a connection's request parts, as pure state: fed what
    /// happens, it says what to do next, and whether to read more from the socket.
    ///
    /// Parts are taken in the order they arrived. A request head is looked up here while none of
    /// the connection's requests is with Hummingbird, and passed on otherwise; the parts after a
    /// head follow it (passed on, or dropped when the request was answered here). The machine
    /// stops taking parts, and reading, while a disk read is under way, while the channel is not
    /// writable, or while `maxPendingAnswers` answers have not reached the kernel: a client that
    /// pipelines requests without reading the answers holds at most those answers and one read's
    /// worth of requests. At shutdown (a quiesce event) the requests not yet started are dropped
    /// and the event is held until the answers under way have reached the kernel, so the
    /// connection closes after whole answers.
    struct StateMachine {
        /// What the handler must do.
        enum Action: Equatable {
            /// Hand the part on to Hummingbird.
            case passOn(HTTPServerRequestPart)
            /// Ask the cache for this head, then report `answeredNow`, `readStarted` or `notAHit`.
            case lookUp(HTTPRequestHead)
            /// Hand the held shutdown event on: every answer written here has reached the kernel.
            case quiesce
        }

        /// Whose the parts of the request now arriving are.
        private enum Current {
            /// Between requests.
            case none
            /// Passed on to Hummingbird.
            case passedOn
            /// Answered here, or dropped at shutdown: its remaining parts are dropped.
            case dropped
        }

        /// Answers written here and not yet handed to the kernel, past which nothing more is
        /// answered or read.
        let maxPendingAnswers: Int
        private var queue: Deque<HTTPServerRequestPart> = []
        private var current = Current.none
        /// Requests passed on whose responses have not ended.
        private var passedOn = 0
        /// The head whose disk read is under way.
        private var reading: HTTPRequestHead?
        /// A head the cache does not answer, to pass on first.
        private var missed: HTTPRequestHead?
        private var pendingAnswers = 0
        private var isWritable = true
        /// Whether a read was asked for and withheld.
        private var readWithheld = false
        private var quiescing = false
        private var quiesceHeld = false
        private var isClosed = false

        init(maxPendingAnswers: Int = 4) {
            self.maxPendingAnswers = maxPendingAnswers
        }

        /// A part arrived from the decoder; call `nextAction()` until nil.
        mutating func received(_ part: HTTPServerRequestPart) {
            guard !isClosed else { return }
            queue.append(part)
        }

        /// The next thing to do, or nil when nothing can be done until something happens.
        mutating func nextAction() -> Action? {
            if let head = missed {
                missed = nil
                passedOn += 1
                current = .passedOn
                return .passOn(.head(head))
            }
            while reading == nil, let part = queue.first {
                switch part {
                case .head(let head):
                    if quiescing {
                        queue.removeFirst()
                        current = .dropped
                    } else if passedOn > 0 {
                        queue.removeFirst()
                        passedOn += 1
                        current = .passedOn
                        return .passOn(part)
                    } else if isWritable, pendingAnswers < maxPendingAnswers {
                        queue.removeFirst()
                        return .lookUp(head)
                    } else {
                        return nil
                    }
                case .body, .end:
                    queue.removeFirst()
                    let isEnd = if case .end = part { true } else { false }
                    let owner = current
                    if isEnd { current = .none }
                    if owner == .passedOn { return .passOn(part) }
                }
            }
            if quiesceHeld, reading == nil, pendingAnswers == 0 {
                quiesceHeld = false
                return .quiesce
            }
            return nil
        }

        /// The looked-up head is answered at once; its answer is being written.
        mutating func answeredNow() {
            current = .dropped
            pendingAnswers += 1
        }

        /// The looked-up head waits for a disk read: report its end with `readEnded(answered:)`.
        mutating func readStarted(for head: HTTPRequestHead) {
            reading = head
        }

        /// The cache does not answer the looked-up head: it is passed on.
        mutating func notAHit(_ head: HTTPRequestHead) {
            missed = head
        }

        /// The disk read ended: with an answer being written, or with nothing to trust, so the
        /// head is passed on.
        mutating func readEnded(answered: Bool) {
            guard let head = reading.take(), !isClosed else { return }
            if answered {
                answeredNow()
            } else {
                notAHit(head)
            }
        }

        /// An answer written here has reached the kernel, or failed to.
        mutating func answerWritten() {
            pendingAnswers -= 1
        }

        /// A response Hummingbird wrote has ended.
        mutating func passedOnResponseEnded() {
            passedOn = max(0, passedOn - 1)
        }

        mutating func writabilityChanged(isWritable: Bool) {
            self.isWritable = isWritable
        }

        /// Shutdown asks the connection to close once idle. Returns whether to hand the event on
        /// now; otherwise `nextAction()` says `.quiesce` when the answers under way are written.
        mutating func quiesceReceived() -> Bool {
            quiescing = true
            // Requests not started yet are dropped: the connection closes without answering them.
            if let firstHead = queue.firstIndex(where: { if case .head = $0 { true } else { false } }) {
                queue.removeSubrange(firstHead...)
            }
            if current == .dropped { queue.removeAll() }
            guard reading == nil, pendingAnswers == 0, queue.isEmpty else {
                quiesceHeld = true
                return false
            }
            return true
        }

        mutating func closed() {
            isClosed = true
            queue.removeAll()
            missed = nil
        }

        /// Whether the socket may be read now; when not, the read is remembered, for
        /// `takeResumedRead()` to give back once it may.
        mutating func readRequested() -> Bool {
            if mayRead { return true }
            readWithheld = true
            return false
        }

        /// Whether a withheld read should be done now.
        mutating func takeResumedRead() -> Bool {
            guard readWithheld, mayRead else { return false }
            readWithheld = false
            return true
        }

        private var mayRead: Bool {
            !isClosed && reading == nil && queue.isEmpty && isWritable && pendingAnswers < maxPendingAnswers
        }
    }
}
