import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1.1 child channel with a `ClientConnection` for each connection: its
/// requests run with it as `ClientConnection.current`, and `ClientDisconnectHandler` at the
/// front of the pipeline marks it gone. Right after NIO's request decoder, an
/// `IdleConnectionHandler` closes idle connections and a `CacheHitHandler` answers cache hits,
/// so that those never reach Hummingbird's handlers.
struct WatchedHTTP1Channel: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let http: HTTP1Channel.Value
        let connection: ClientConnection
        var channel: any Channel { http.channel }
    }

    /// Hummingbird's channel, without an idle timeout of its own.
    let http1: HTTP1Channel
    let idleTimeout: TimeAmount
    /// Answers cache hits on the event loop (see `CacheHitHandler`).
    let cacheHit: CacheHitHandler.Answer

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let connection = ClientConnection()
        do {
            try channel.pipeline.syncOperations.addHandler(ClientDisconnectHandler(connection), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return http1.setup(channel: channel, logger: logger).flatMapThrowing { http in
            let operations = channel.pipeline.syncOperations
            let decoder = try operations.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try operations.addHandlers(
                [IdleConnectionHandler(timeout: idleTimeout), CacheHitHandler(answer: cacheHit)], position: .after(decoder.handler))
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
    /// HTTP/1.1 whose requests learn when their client has gone (`ClientConnection.current`),
    /// whose connections close after `idleTimeout` without a request in flight, and whose cache
    /// hits `cacheHit` answers on the event loop.
    static func watchedHTTP1(
        idleTimeout: TimeAmount, cacheHit: @escaping CacheHitHandler.Answer
    ) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            WatchedHTTP1Channel(
                http1: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: nil)), idleTimeout: idleTimeout,
                cacheHit: cacheHit)
        }
    }
}
