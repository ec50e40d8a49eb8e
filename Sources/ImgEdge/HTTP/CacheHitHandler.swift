import NIOCore
import NIOHTTP1

/// Answers cache hits on the event loop, right after NIO's HTTP/1 request decoder.
///
/// A hit costs a few lookups, yet the way to Hummingbird converts each request and response
/// between NIO's and Swift HTTP Types' values, through three more handlers, and hops between
/// the event loop and the concurrency pool. This handler sits in each connection's pipeline
/// just after the decoder: for a request head it asks `answer`, which answers only what a
/// cache tier holds under a version learnt lately, at once from memory or after a disk read on
/// the thread pool, and writes that response to NIO's encoder itself; everything else passes on
/// to Hummingbird untouched. Its `StateMachine` keeps the order of pipelined responses and the
/// backpressure: it withholds reads while a disk read is under way, while the channel is not
/// writable or while a few answers have not reached the kernel. Hummingbird's handlers never
/// see a hit, so idle connections are `ConnectionDeadlineHandler`'s to close.
final class CacheHitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    typealias Response = (head: HTTPResponseHead, body: ByteBuffer?)
    /// The response to a request head, when it is a cache hit.
    typealias Answer = @Sendable (HTTPRequestHead, any EventLoop) -> EventLoopHit<Response>?

    private let answer: Answer
    private var state: StateMachine
    /// Whether `proceed` is running: a write that completes within it calls it again, which
    /// then returns at once, the running loop taking what that completion allowed.
    private var isProceeding = false
    /// Whether a read burst is under way: parts passed on within it are handed on by the
    /// burst's own `channelReadComplete`.
    private var isInReadBurst = false

    init(answer: @escaping Answer, maxPendingAnswers: Int = 4) {
        self.answer = answer
        state = StateMachine(maxPendingAnswers: maxPendingAnswers)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        state.writabilityChanged(isWritable: context.channel.isWritable)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        isInReadBurst = true
        state.received(unwrapInboundIn(data))
        proceed(context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        isInReadBurst = false
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.closed()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        state.writabilityChanged(isWritable: context.channel.isWritable)
        proceed(context: context)
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            if state.quiesceReceived() { context.fireUserInboundEventTriggered(event) }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func read(context: ChannelHandlerContext) {
        if state.readRequested() { context.read() }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            state.passedOnResponseEnded()
        }
        context.write(data, promise: promise)
    }

    /// Does what the state machine says until it says nothing, then reads again if it may.
    private func proceed(context: ChannelHandlerContext) {
        guard !isProceeding else { return }
        isProceeding = true
        defer { isProceeding = false }
        var passedOnAny = false
        while let action = state.nextAction() {
            switch action {
            case .passOn(let part):
                passedOnAny = true
                context.fireChannelRead(wrapInboundOut(part))
            case .lookUp(let head):
                lookUp(head, context: context)
            case .quiesce:
                context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            }
        }
        // Hummingbird's async channel hands on what it read at the end of each read burst; parts
        // taken from the queue after a wait have no burst, so they get an end of their own.
        if passedOnAny && !isInReadBurst { context.fireChannelReadComplete() }
        if state.takeResumedRead() { context.read() }
    }

    private func lookUp(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        switch answer(head, context.eventLoop) {
        case .now(let response):
            state.answeredNow()
            send(response, context: context)
        case .later(let reading):
            state.readStarted(for: head)
            reading.assumeIsolated().whenComplete { result in
                let response = (try? result.get()) ?? nil
                self.state.readEnded(answered: response != nil)
                if let response, context.channel.isActive {
                    self.send(response, context: context)
                }
                self.proceed(context: context)
            }
        case nil:
            state.notAHit(head)
        }
    }

    /// Writes an answer; its end's promise tells the state machine when it reached the kernel.
    private func send(_ response: Response, context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(response.head)), promise: nil)
        if let body = response.body {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenComplete { _ in
            self.state.answerWritten()
            self.proceed(context: context)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
    }
}
