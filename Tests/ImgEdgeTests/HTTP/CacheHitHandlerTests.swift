import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import ImgEdge

/// The event-loop hit path's ordering and backpressure, on an embedded channel: `/hit…` is
/// answered at once, `/disk…` after a read the test completes, anything else passes on.
@Suite("The cache-hit handler answers in order and reads no faster than its client takes answers")
struct CacheHitHandlerTests {
    /// Counts the reads the handler lets through towards the socket.
    private final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = Any
        var reads = 0

        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    /// The disk reads the handler started, for the test to complete.
    private final class DiskReads: Sendable {
        let promises = NIOLockedValueBox<[EventLoopPromise<CacheHitHandler.Response?>]>([])
    }

    private let body = ByteBuffer(repeating: 7, count: 1000)

    private func channel(maxPendingAnswers: Int = 4) throws -> (EmbeddedChannel, ReadCounter, DiskReads) {
        let counter = ReadCounter()
        let reads = DiskReads()
        let body = body
        let handler = CacheHitHandler(
            answer: { head, loop in
                let response = (head: HTTPResponseHead(version: .http1_1, status: .ok), body: Optional(body))
                if head.uri.hasPrefix("/hit") { return .now(response) }
                if head.uri.hasPrefix("/disk") {
                    let promise = loop.makePromise(of: CacheHitHandler.Response?.self)
                    reads.promises.withLockedValue { $0.append(promise) }
                    return .later(promise.futureResult)
                }
                return nil
            }, maxPendingAnswers: maxPendingAnswers)
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([counter, handler])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).wait()
        return (channel, counter, reads)
    }

    private func request(_ uri: String, on channel: EmbeddedChannel) throws {
        try channel.writeInbound(HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: uri)))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
    }

    /// The response heads written so far, each as its first body byte count, in order.
    private func answered(_ channel: EmbeddedChannel) throws -> Int {
        var answers = 0
        while let part = try channel.readOutbound(as: HTTPServerResponsePart.self) {
            if case .end = part { answers += 1 }
        }
        return answers
    }

    /// The requests passed on to Hummingbird, by URI.
    private func passedOn(_ channel: EmbeddedChannel) throws -> [String] {
        var uris: [String] = []
        while let part = try channel.readInbound(as: HTTPServerRequestPart.self) {
            if case .head(let head) = part { uris.append(head.uri) }
        }
        return uris
    }

    @Test("hits are answered at once and misses passed on, parts of an answered request dropped")
    func hitsAndMisses() throws {
        let (channel, _, _) = try channel()
        try request("/hit1", on: channel)
        try request("/miss", on: channel)
        #expect(try answered(channel) == 1)
        #expect(try passedOn(channel) == ["/miss"])
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("while a miss is with Hummingbird, later hits go to it too, keeping the order of answers")
    func orderBehindAMiss() throws {
        let (channel, _, _) = try channel()
        try request("/miss", on: channel)
        try request("/hit1", on: channel)
        #expect(try answered(channel) == 0)
        #expect(try passedOn(channel) == ["/miss", "/hit1"])
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        _ = try answered(channel)
        try request("/hit2", on: channel)
        #expect(try answered(channel) == 1, "answered here again once Hummingbird's responses ended")
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a client whose channel is not writable gets no more answers and no more reads until it is")
    func notWritable() throws {
        let (channel, counter, _) = try channel()
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        for index in 0..<50 { try request("/hit\(index)", on: channel) }
        channel.read()
        #expect(try answered(channel) == 0)
        #expect(counter.reads == 0, "the read was withheld")
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        #expect(try answered(channel) == 50)
        #expect(counter.reads == 1, "the withheld read was done once the queue drained")
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("during a disk read later requests wait, in order, and no more is read")
    func diskRead() throws {
        let (channel, counter, reads) = try channel()
        try request("/disk1", on: channel)
        try request("/hit1", on: channel)
        try request("/miss", on: channel)
        channel.read()
        #expect(counter.reads == 0)
        #expect(try answered(channel) == 0)
        #expect(try passedOn(channel) == [])
        let promise = try #require(reads.promises.withLockedValue { $0.first })
        promise.succeed((head: HTTPResponseHead(version: .http1_1, status: .ok), body: body))
        #expect(try answered(channel) == 2, "the disk hit, then the memory hit")
        #expect(try passedOn(channel) == ["/miss"])
        #expect(counter.reads == 1)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a disk read that finds nothing to trust passes its request on")
    func diskReadMiss() throws {
        let (channel, _, reads) = try channel()
        try request("/disk1", on: channel)
        try #require(reads.promises.withLockedValue { $0.first }).succeed(nil)
        #expect(try passedOn(channel) == ["/disk1"])
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("parts passed on in a read burst end with that burst; parts passed on after a wait get an end of their own")
    func readBursts() throws {
        let (missChannel, _, _) = try channel()
        let missEnds = ReadCompleteCounter()
        try missChannel.pipeline.syncOperations.addHandler(missEnds)
        try request("/miss", on: missChannel)
        #expect(try passedOn(missChannel) == ["/miss"])
        #expect(missEnds.count == 2, "one for the head's burst, one for the end's")
        _ = try missChannel.finish(acceptAlreadyClosed: true)

        let (channel, _, reads) = try channel()
        let ends = ReadCompleteCounter()
        try channel.pipeline.syncOperations.addHandler(ends)
        try request("/disk1", on: channel)
        try request("/miss", on: channel)
        #expect(try passedOn(channel) == [], "the miss waits for the disk read")
        #expect(ends.count == 4)
        try #require(reads.promises.withLockedValue { $0.first }).succeed(nil)
        #expect(try passedOn(channel) == ["/disk1", "/miss"])
        #expect(ends.count == 5, "the parts taken from the queue were handed on")
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("at shutdown, the answer under way is finished first and requests not started are dropped")
    func quiesce() throws {
        let (channel, _, reads) = try channel()
        let events = QuiesceRecorder()
        try channel.pipeline.syncOperations.addHandler(events)
        try request("/disk1", on: channel)
        try request("/hit1", on: channel)
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(events.count == 0, "held while the disk read is under way")
        try #require(reads.promises.withLockedValue { $0.first }).succeed(
            (head: HTTPResponseHead(version: .http1_1, status: .ok), body: body))
        #expect(try answered(channel) == 1, "the disk hit was answered; the pipelined hit after it was not started")
        #expect(events.count == 1)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("the state machine answers at most its pending bound before the kernel takes an answer")
    func pendingBound() {
        var machine = CacheHitHandler.StateMachine(maxPendingAnswers: 2)
        for index in 0..<5 {
            machine.received(.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/hit\(index)")))
            machine.received(.end(nil))
        }
        var lookedUp = 0
        while let action = machine.nextAction() {
            if case .lookUp = action {
                lookedUp += 1
                machine.answeredNow()
            }
        }
        #expect(lookedUp == 2)
        let mayRead = machine.readRequested()
        #expect(!mayRead, "no read while the answers have not reached the kernel")
        machine.answerWritten()
        while let action = machine.nextAction() {
            if case .lookUp = action {
                lookedUp += 1
                machine.answeredNow()
            }
        }
        #expect(lookedUp == 3)
    }

    /// Counts the quiesce events that reach the end of the pipeline.
    /// Counts the read bursts' ends that reach Hummingbird's side of the pipeline.
    private final class ReadCompleteCounter: ChannelInboundHandler {
        typealias InboundIn = Any
        var count = 0

        func channelReadComplete(context: ChannelHandlerContext) {
            count += 1
            context.fireChannelReadComplete()
        }
    }

    private final class QuiesceRecorder: ChannelInboundHandler {
        typealias InboundIn = Any
        var count = 0

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is ChannelShouldQuiesceEvent { count += 1 }
            context.fireUserInboundEventTriggered(event)
        }
    }
}
