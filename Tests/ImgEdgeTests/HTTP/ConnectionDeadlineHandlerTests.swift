import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import ImgEdge

/// Each phase's deadline, on an embedded channel with the real request decoder, whose clock the
/// test moves: no sockets, no sleeps.
@Suite("Connection deadlines: idle, a request head, a body and a client that reads nothing each have their own")
struct ConnectionDeadlineHandlerTests {
    private let timeouts = ConnectionDeadlines.Timeouts(
        idle: .seconds(30), head: .seconds(10), body: .seconds(20), write: .seconds(15))
    /// How late a deadline may fire: the handler checks on a timer.
    private var slack: TimeAmount { timeouts.checkInterval }

    private func connectedChannel() throws -> (EmbeddedChannel, EmbeddedEventLoop) {
        let loop = EmbeddedEventLoop()
        let deadlines = ConnectionDeadlineHandler(timeouts: timeouts)
        let channel = EmbeddedChannel(loop: loop)
        try channel.pipeline.syncOperations.addHandlers([
            ConnectionDeadlineHandler.ByteWatch(deadlines), ByteToMessageHandler(HTTPRequestDecoder()), deadlines,
        ])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).wait()
        return (channel, loop)
    }

    private func send(_ text: String, to channel: EmbeddedChannel) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    private func respond(_ channel: EmbeddedChannel) throws {
        try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
    }

    @Test("a connection that sends nothing is closed at the idle timeout, not before")
    func silentConnection() throws {
        let (channel, loop) = try connectedChannel()
        loop.advanceTime(by: timeouts.idle - slack)
        #expect(channel.isActive)
        loop.advanceTime(by: slack * 2)
        #expect(!channel.isActive)
    }

    @Test("half a request head is closed at the head timeout, well before the idle timeout")
    func halfHead() throws {
        let (channel, loop) = try connectedChannel()
        loop.advanceTime(by: .seconds(5))
        try send("GET /a.jpg HTTP/1.1\r\nHost: x\r\n", to: channel)
        loop.advanceTime(by: timeouts.head - slack)
        #expect(channel.isActive)
        loop.advanceTime(by: slack * 2)
        #expect(!channel.isActive, "closed 10 s after the head began, not 30 s after the connection opened")
    }

    @Test("a request in flight keeps the connection open past every timeout but the body's; its end starts the idle timeout")
    func requestInFlight() throws {
        let (channel, loop) = try connectedChannel()
        try send("GET /a.jpg HTTP/1.1\r\nHost: x\r\n\r\n", to: channel)
        loop.advanceTime(by: timeouts.idle * 3)
        #expect(channel.isActive, "a long render is not idleness")
        #expect(throws: Never.self) { try channel.throwIfErrorCaught() }
        try respond(channel)
        loop.advanceTime(by: timeouts.idle - slack)
        #expect(channel.isActive)
        loop.advanceTime(by: slack * 2)
        #expect(!channel.isActive)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("requests answered one after another keep the connection open however long the whole takes")
    func busyConnection() throws {
        let (channel, loop) = try connectedChannel()
        for _ in 0..<10 {
            loop.advanceTime(by: .seconds(5))
            try send("GET /a.jpg HTTP/1.1\r\nHost: x\r\n\r\n", to: channel)
            try respond(channel)
        }
        #expect(channel.isActive, "open after 50 s of requests")
        loop.advanceTime(by: timeouts.idle + slack)
        #expect(!channel.isActive)
    }

    @Test(
        "a body that stops arriving fails at the body timeout, even with no chunk after the head, and the connection stays for the answer"
    )
    func stalledBody() throws {
        let (channel, loop) = try connectedChannel()
        try send("POST /resize HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n0123456789abcdef", to: channel)
        loop.advanceTime(by: timeouts.body - slack)
        #expect(throws: Never.self) { try channel.throwIfErrorCaught() }
        loop.advanceTime(by: slack * 2)
        #expect(throws: ConnectionDeadlines.BodyTimedOut.self) { try channel.throwIfErrorCaught() }
        #expect(channel.isActive, "open for the 408")
        loop.advanceTime(by: timeouts.body * 2)
        #expect(throws: Never.self, "failed once") { try channel.throwIfErrorCaught() }
        // The decoder holds a partial body, which finishing reports.
        _ = try? channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a body that arrives whole in time never fails")
    func wholeBody() throws {
        let (channel, loop) = try connectedChannel()
        try send("POST /resize HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd", to: channel)
        loop.advanceTime(by: timeouts.body * 2)
        #expect(throws: Never.self) { try channel.throwIfErrorCaught() }
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a client that reads nothing is closed at the write timeout, even with a request in flight")
    func slowReader() throws {
        let (channel, loop) = try connectedChannel()
        try send("GET /a.jpg HTTP/1.1\r\nHost: x\r\n\r\n", to: channel)
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        loop.advanceTime(by: timeouts.write - slack)
        #expect(channel.isActive)
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        loop.advanceTime(by: timeouts.write - slack)
        #expect(channel.isActive, "reading again started the write timeout again")
        loop.advanceTime(by: slack * 2)
        #expect(!channel.isActive)
    }
}
