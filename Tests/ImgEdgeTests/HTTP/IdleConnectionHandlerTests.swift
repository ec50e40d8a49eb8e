import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import ImgEdge

/// The idle timeout alone, on an embedded channel whose clock the test moves: no sockets, no sleeps.
@Suite("Idle connections: closed after the timeout without a request in flight, never during one")
struct IdleConnectionHandlerTests {
    private let timeout = TimeAmount.seconds(10)  // the busy test steps by half of it

    private func connectedChannel() throws -> (EmbeddedChannel, EmbeddedEventLoop) {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(handler: IdleConnectionHandler(timeout: timeout), loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).wait()
        return (channel, loop)
    }

    private func request(_ channel: EmbeddedChannel) throws {
        try channel.writeInbound(HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/a.jpg")))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
    }

    private func respond(_ channel: EmbeddedChannel) throws {
        try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
    }

    @Test("a connection that sends nothing is closed at the timeout, not before")
    func silentConnection() throws {
        let (channel, loop) = try connectedChannel()
        loop.advanceTime(by: timeout - .milliseconds(1))
        #expect(channel.isActive)
        loop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
    }

    @Test("a request in flight keeps the connection open past the timeout; its end starts the timeout again")
    func requestInFlight() throws {
        let (channel, loop) = try connectedChannel()
        try request(channel)
        loop.advanceTime(by: timeout * 3)
        #expect(channel.isActive, "a long render is not idleness")
        try respond(channel)
        loop.advanceTime(by: timeout - .milliseconds(1))
        #expect(channel.isActive)
        loop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("requests answered one after another keep the connection open however long the whole takes")
    func busyConnection() throws {
        let (channel, loop) = try connectedChannel()
        for _ in 0..<10 {
            loop.advanceTime(by: .seconds(5))
            try request(channel)
            try respond(channel)
        }
        #expect(channel.isActive, "open after five timeouts' worth of requests")
        loop.advanceTime(by: timeout)
        #expect(!channel.isActive)
    }

    @Test("pipelined requests count until the last response ends")
    func pipelined() throws {
        let (channel, loop) = try connectedChannel()
        try request(channel)
        try request(channel)
        try respond(channel)
        loop.advanceTime(by: timeout * 2)
        #expect(channel.isActive, "the second is still in flight")
        try respond(channel)
        loop.advanceTime(by: timeout)
        #expect(!channel.isActive)
    }
}
