import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 child channel with a `ClientConnection` for each connection: its
/// requests run with it as `ClientConnection.current`, and `ClientDisconnectHandler` at the
/// front of the pipeline marks it gone.
struct WatchedHTTP1Channel: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let http: HTTP1Channel.Value
        let connection: ClientConnection
        var channel: any Channel { http.channel }
    }

    let http1: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let connection = ClientConnection()
        do {
            try channel.pipeline.syncOperations.addHandler(ClientDisconnectHandler(connection), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return http1.setup(channel: channel, logger: logger).map { Value(http: $0, connection: connection) }
    }

    func handle(value: Value, logger: Logger) async {
        await ClientConnection.$current.withValue(value.connection) {
            await http1.handle(value: value.http, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 whose requests learn when their client has gone (`ClientConnection.current`).
    static func watchedHTTP1(configuration: HTTP1Channel.Configuration) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            WatchedHTTP1Channel(http1: HTTP1Channel(responder: responder, configuration: configuration))
        }
    }
}
