import NIOCore
import NIOHTTP1

/// Closes a connection that has had no request in flight for the idle timeout: one that idles
/// between requests, or never finishes a request's head.
///
/// It sits right after NIO's HTTP/1 request decoder, so it sees every request and every
/// response, those `CacheHitHandler` answers as well as Hummingbird's (whose own idle timeout,
/// which sees only its own, is off). A request counts from its head to its response's end, so
/// a long render or a slow upload is never cut off as idle; their time limits are the
/// pipeline's to keep.
final class IdleConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let timeout: TimeAmount
    /// Requests whose heads have arrived and whose responses have not ended.
    private var inFlight = 0
    /// When the connection opened, or its last request in flight ended.
    private var idleSince = NIODeadline.uptimeNanoseconds(0)
    private var check: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { becameActive(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        check?.cancel()
    }

    func channelActive(context: ChannelHandlerContext) {
        becameActive(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        check?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            inFlight += 1
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            inFlight -= 1
            if inFlight == 0 { idleSince = context.eventLoop.now }
        }
        context.write(data, promise: promise)
    }

    private func becameActive(context: ChannelHandlerContext) {
        guard check == nil else { return }
        idleSince = context.eventLoop.now
        scheduleCheck(at: idleSince + timeout, context: context)
    }

    /// Checks at `deadline`, not at every request: a busy connection costs no timer churn.
    private func scheduleCheck(at deadline: NIODeadline, context: ChannelHandlerContext) {
        check = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            let now = context.eventLoop.now
            if self.inFlight > 0 {
                self.scheduleCheck(at: now + self.timeout, context: context)
            } else if self.idleSince + self.timeout <= now {
                context.close(promise: nil)
            } else {
                self.scheduleCheck(at: self.idleSince + self.timeout, context: context)
            }
        }
    }
}
