import NIOCore

/// The first handler of every connection's pipeline: tells its `ClientConnection` when the
/// client has gone, by closing the connection or shutting its sending side.
///
/// It passes everything on untouched. The server allows half-closure, so a client's FIN arrives
/// as `ChannelEvent.inputClosed` rather than as the channel going inactive.
final class ClientDisconnectHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let connection: ClientConnection

    init(_ connection: ClientConnection) {
        self.connection = connection
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            connection.markGone()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.markGone()
        context.fireChannelInactive()
    }
}
