import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1.1 child channel with the connection-level guards imgedge needs.
///
/// For each connection: a `ClientConnection`, which its requests run with as
/// `ClientConnection.current` and which `ClientDisconnectHandler` at the front of the pipeline
/// marks gone; a client's connections counted against its share, the connection closed at once
/// past it; a `ConnectionDeadlineHandler` closing the connection when one of its phases passes
/// its deadline; and, when given `cacheHit`, a `CacheHitHandler` answering cache hits right after
/// NIO's request decoder, so those never reach Hummingbird's handlers.
struct WatchedHTTP1Channel: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let http: HTTP1Channel.Value
        let connection: ClientConnection
        var channel: any Channel { http.channel }
    }

    /// A connection refused because its client holds its share of connections already.
    struct ClientOverShare: Error {}

    /// Hummingbird's channel, without an idle timeout of its own.
    let http1: HTTP1Channel
    let timeouts: ConnectionDeadlines.Timeouts
    /// Each client's open connections; nil: not counted.
    let connectionShares: ClientShares?
    /// Whose connections carry other clients' requests, and so are not counted as one client's.
    let trustedProxies: TrustedProxies
    /// Answers cache hits on the event loop (see `CacheHitHandler`); nil: none are.
    let cacheHit: CacheHitHandler.Answer?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let peer = channel.remoteAddress?.ipAddress.flatMap(IPAddress.init)
        if let connectionShares, let peer, !trustedProxies.trusts(peer) {
            let client = ClientAddress(peer)
            guard connectionShares.take(client) else {
                logger.debug("connection refused: its client holds its share of connections", metadata: ["client": "\(client)"])
                // A failed set-up alone leaves the accepted socket open.
                channel.close(promise: nil)
                return channel.eventLoop.makeFailedFuture(ClientOverShare())
            }
            channel.closeFuture.whenComplete { _ in connectionShares.release(client) }
        }
        let connection = ClientConnection(peer: peer)
        let deadlines = ConnectionDeadlineHandler(timeouts: timeouts) { expiry in
            logger.debug("connection closed: \(expiry.rawValue)")
        }
        do {
            try channel.pipeline.syncOperations.addHandlers(
                [ClientDisconnectHandler(connection), ConnectionDeadlineHandler.ByteWatch(deadlines)], position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return http1.setup(channel: channel, logger: logger).flatMapThrowing { http in
            let operations = channel.pipeline.syncOperations
            let decoder = try operations.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self)
            var handlers: [any ChannelHandler] = [deadlines]
            if let cacheHit { handlers.append(CacheHitHandler(answer: cacheHit)) }
            try operations.addHandlers(handlers, position: .after(decoder.handler))
            return Value(http: http, connection: connection)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await ClientConnection.$current.withValue(value.connection) {
            await http1.handle(value: value.http, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 whose requests learn their client's address and when it has gone
    /// (`ClientConnection.current`), whose connections close when a phase passes its deadline,
    /// at most `connectionShares.limit` of them per client, and whose cache hits `cacheHit`
    /// answers on the event loop.
    static func watchedHTTP1(
        timeouts: ConnectionDeadlines.Timeouts, connectionShares: ClientShares?, trustedProxies: TrustedProxies,
        cacheHit: CacheHitHandler.Answer?
    ) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            WatchedHTTP1Channel(
                http1: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: nil)), timeouts: timeouts,
                connectionShares: connectionShares, trustedProxies: trustedProxies, cacheHit: cacheHit)
        }
    }
}
