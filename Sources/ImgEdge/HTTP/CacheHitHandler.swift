import DequeModule
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers cache hits on the event loop, ahead of Hummingbird.
///
/// A hit costs a few lookups, yet going through Hummingbird's async channel costs hops between
/// the event loop and the concurrency pool for every request. This handler sits in each
/// connection's pipeline just before that channel: for a request head it asks `answer`, which
/// answers only what a cache tier holds under a version learnt lately, at once from memory or
/// after a disk read on the thread pool, and writes that response itself; everything else
/// passes on to Hummingbird untouched. It answers only while none of the connection's requests
/// is with Hummingbird, and holds back what arrives while a disk read is under way, so
/// pipelined responses keep their order.
final class CacheHitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    typealias Response = (head: HTTPResponse, body: ByteBuffer?)
    /// The response to a request head, when it is a cache hit.
    typealias Answer = @Sendable (HTTPRequest, any EventLoop) -> EventLoopHit<Response>?

    private let answer: Answer
    /// Requests passed on whose responses have not ended yet.
    private var passedOn = 0
    /// Whether the parts of a request answered here are still arriving (and are dropped).
    private var discardingAnsweredRequest = false
    /// Whether a disk read for the latest request head is under way.
    private var awaitingRead = false
    /// What arrived while a disk read was under way, taken in order once it ends.
    private var heldBack: Deque<HTTPRequestPart> = []
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

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            passedOn -= 1
        }
        context.write(data, promise: promise)
    }

    private func take(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
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
    private func readEnded(with response: Response?, for request: HTTPRequest, context: ChannelHandlerContext) {
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
        // Hummingbird's async channel hands on what it read at the end of each read burst.
        context.fireChannelReadComplete()
    }

    private func send(_ response: Response, context: ChannelHandlerContext) {
        discardingAnsweredRequest = true
        context.write(wrapOutboundOut(.head(response.head)), promise: nil)
        if let body = response.body {
            context.write(wrapOutboundOut(.body(body)), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
