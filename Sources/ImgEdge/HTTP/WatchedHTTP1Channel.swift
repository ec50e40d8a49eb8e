import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 child channel with a `ClientConnection` for each connection: its
/// requests run with it as `ClientConnection.current`, and `ClientDisconnectHandler` at the
/// front of the pipeline marks it gone. A `CacheHitHandler` answers cache hits before they
/// reach Hummingbird's async channel.
struct WatchedHTTP1Channel: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let http: HTTP1Channel.Value
        let connection: ClientConnection
        var channel: any Channel { http.channel }
    }

    let http1: HTTP1Channel
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
            // After Hummingbird's connection-state handler, so that its keep-alive and idle
            // bookkeeping sees the requests answered here and their responses too.
            let operations = channel.pipeline.syncOperations
            let state = try operations.context(handlerType: HTTPConnectionStateHandler.self)
            try operations.addHandler(CacheHitHandler(answer: cacheHit), position: .after(state.handler))
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
    /// and whose cache hits `cacheHit` answers on the event loop.
    static func watchedHTTP1(
        configuration: HTTP1Channel.Configuration, cacheHit: @escaping CacheHitHandler.Answer
    ) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            WatchedHTTP1Channel(http1: HTTP1Channel(responder: responder, configuration: configuration), cacheHit: cacheHit)
        }
    }
}
