import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers memory-cache hits on the event loop, ahead of Hummingbird.
///
/// A hit costs a few lookups, yet going through Hummingbird's async channel costs hops between
/// the event loop and the concurrency pool for every request. This handler sits in each
/// connection's pipeline just before that channel: for a request head it asks `answer`, which
/// answers synchronously only what the memory tier holds under a version learnt lately, and
/// writes that response itself; everything else passes on to Hummingbird untouched. It answers
/// only while none of the connection's requests is with Hummingbird, so pipelined responses keep
/// their order.
final class MemoryHitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The response to a request head, when it is a memory hit.
    typealias Answer = @Sendable (HTTPRequest) -> (head: HTTPResponse, body: ByteBuffer?)?

    private let answer: Answer
    /// Requests passed on whose responses have not ended yet.
    private var passedOn = 0
    /// Whether the parts of a request answered here are still arriving (and are dropped).
    private var discardingAnsweredRequest = false

    init(answer: @escaping Answer) {
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let request):
            if passedOn == 0, let (head, body) = answer(request) {
                discardingAnsweredRequest = true
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                if let body {
                    context.write(wrapOutboundOut(.body(body)), promise: nil)
                }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
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
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            passedOn -= 1
        }
        context.write(data, promise: promise)
    }
}
