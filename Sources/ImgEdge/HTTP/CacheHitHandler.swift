import DequeModule
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
/// to Hummingbird untouched. It answers only while none of the connection's requests is with
/// Hummingbird, and holds back what arrives while a disk read is under way, so pipelined
/// responses keep their order. Hummingbird's handlers never see a hit, so idle connections are
/// `IdleConnectionHandler`'s to close.
final class CacheHitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    typealias Response = (head: HTTPResponseHead, body: ByteBuffer?)
    /// The response to a request head, when it is a cache hit.
    typealias Answer = @Sendable (HTTPRequestHead, any EventLoop) -> EventLoopHit<Response>?

    private let answer: Answer
    /// Requests passed on whose responses have not ended yet.
    private var passedOn = 0
    /// Whether the parts of a request answered here are still arriving (and are dropped).
    private var discardingAnsweredRequest = false
    /// Whether a disk read for the latest request head is under way.
    private var awaitingRead = false
    /// What arrived while a disk read was under way, taken in order once it ends.
    private var heldBack: Deque<HTTPServerRequestPart> = []
    /// A shutdown's quiesce event that came while a disk read was under way: NIO's pipeline
    /// handler would close the connection at once, seeing no request of its own in flight.
    private var heldBackQuiesce = false
    private var isActive = true

    init(answer: @escaping Answer) {
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if awaitingRead {
            heldBack.append(part)
        } else {
            take(part, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        isActive = false
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, awaitingRead {
            heldBackQuiesce = true
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            passedOn -= 1
        }
        context.write(data, promise: promise)
    }

    private func take(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let request):
            if passedOn == 0, let hit = answer(request, context.eventLoop) {
                switch hit {
                case .now(let response):
                    send(response, context: context)
                case .later(let reading):
                    awaitingRead = true
                    reading.assumeIsolated().whenComplete { result in
                        self.readEnded(with: (try? result.get()) ?? nil, for: request, context: context)
                    }
                }
                return
            }
            passedOn += 1
        case .body:
            if discardingAnsweredRequest { return }
        case .end:
            if discardingAnsweredRequest {
                discardingAnsweredRequest = false
                return
            }
        }
        context.fireChannelRead(wrapInboundOut(part))
    }

    /// Sends the disk hit, or passes the request on when the read found nothing to trust; then
    /// takes what was held back.
    private func readEnded(with response: Response?, for request: HTTPRequestHead, context: ChannelHandlerContext) {
        awaitingRead = false
        guard isActive else {
            heldBack.removeAll()
            return
        }
        if let response {
            send(response, context: context)
        } else {
            passedOn += 1
            context.fireChannelRead(wrapInboundOut(.head(request)))
        }
        while !awaitingRead, let part = heldBack.popFirst() {
            take(part, context: context)
        }
        if heldBackQuiesce, !awaitingRead {
            heldBackQuiesce = false
            context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        // Hummingbird's async channel hands on what it read at the end of each read burst.
        context.fireChannelReadComplete()
    }

    private func send(_ response: Response, context: ChannelHandlerContext) {
        discardingAnsweredRequest = true
        context.write(wrapOutboundOut(.head(response.head)), promise: nil)
        if let body = response.body {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
