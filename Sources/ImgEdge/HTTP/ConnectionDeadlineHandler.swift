import NIOCore
import NIOHTTP1

/// Closes a connection when one of its phases passes its deadline (`ConnectionDeadlines`): idle
/// between requests, slow to send a request's head, or slow to read what it is sent; fails a
/// request body that is slow to arrive, so that its request answers 408.
///
/// It sits right after NIO's HTTP/1 request decoder, so it sees every request and response,
/// those `CacheHitHandler` answers as well as Hummingbird's (whose own idle timeout, which sees
/// only its own, is off). Bytes that arrive before the decoder has made a head of them are
/// reported by `ByteWatch`, at the front of the pipeline. It checks its deadlines on a timer of
/// `Timeouts.checkInterval`, not per request, so a busy connection costs no timer churn.
final class ConnectionDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// Sits before the request decoder and tells the deadline handler when bytes arrive.
    final class ByteWatch: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer

        private let deadlines: ConnectionDeadlineHandler

        init(_ deadlines: ConnectionDeadlineHandler) {
            self.deadlines = deadlines
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            deadlines.state?.bytesArrived(at: context.eventLoop.now)
            context.fireChannelRead(data)
        }
    }

    private let timeouts: ConnectionDeadlines.Timeouts
    /// Nil until the connection is active.
    private var state: ConnectionDeadlines?
    private var check: Scheduled<Void>?
    /// Called with the reason when a deadline closes the connection.
    private let onExpiry: (ConnectionDeadlines.Expiry) -> Void

    init(timeouts: ConnectionDeadlines.Timeouts, onExpiry: @escaping (ConnectionDeadlines.Expiry) -> Void = { _ in }) {
        self.timeouts = timeouts
        self.onExpiry = onExpiry
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
        switch unwrapInboundIn(data) {
        case .head: state?.headArrived(at: context.eventLoop.now)
        case .end: state?.requestEnded()
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        state?.writabilityChanged(isWritable: context.channel.isWritable, at: context.eventLoop.now)
        context.fireChannelWritabilityChanged()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            state?.responseEnded(at: context.eventLoop.now)
        }
        context.write(data, promise: promise)
    }

    private func becameActive(context: ChannelHandlerContext) {
        guard state == nil else { return }
        state = ConnectionDeadlines(timeouts: timeouts, openedAt: context.eventLoop.now)
        scheduleCheck(context: context)
    }

    private func scheduleCheck(context: ChannelHandlerContext) {
        check = context.eventLoop.assumeIsolated().scheduleTask(in: timeouts.checkInterval) {
            switch self.state?.expiry(at: context.eventLoop.now) {
            case nil:
                self.scheduleCheck(context: context)
            case .slowBody:
                self.onExpiry(.slowBody)
                self.state?.bodyFailed()
                // Ends the request body's stream with the error, past the handlers after this one.
                context.fireErrorCaught(ConnectionDeadlines.BodyTimedOut())
                self.scheduleCheck(context: context)
            case let expiry?:
                self.onExpiry(expiry)
                context.close(promise: nil)
            }
        }
    }
}
