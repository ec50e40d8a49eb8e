import Foundation
import Glibc
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import ImgEdge

@Suite(
    "With --isolation process, images are decoded and encoded in worker processes that cost one request when they die",
    .serialized)
struct WorkerIsolationTests {
    @Test("a render in a worker gives the bytes a render in the server gives; the workers are the server's children, locked down")
    func sameBytes() async throws {
        let inProcess = try await ImgEdgeProcess.Server.servingTestImages(["--isolation", "none"])
        let isolated = try await ImgEdgeProcess.Server.servingTestImages(["--isolation", "process", "--workers", "1"])
        let paths = [
            "/landscape.jpg?w=300&format=webp", "/landscape.jpg?w=200&format=json", "/animated.gif?w=50&format=gif",
            "/landscape.jpg?w=300&format=jpeg&filter=sepia", "/portrait.jpg?w=300&format=png&filter=vignette(0.4)",
            // The original's own bytes, smaller than any render: a tag the worker may give too.
            "/tiny.png?w=8&format=png", "/tiny.png?format=lqip", "/landscape.jpg?w=100&format=thumbhash",
        ]
        for path in paths {
            let expected = try await ProxiedResponse.get("http://127.0.0.1:\(inProcess.port)\(path)", [])
            let answer = try await ProxiedResponse.get("http://127.0.0.1:\(isolated.port)\(path)", [])
            #expect(answer.status == 200 && expected.status == 200, "\(path)")
            // Not ==: on a mismatch the testing library would diff the two bodies byte by byte.
            #expect(
                answer.body.elementsEqual(expected.body), "\(path): \(answer.body.count) bytes against \(expected.body.count)")
            #expect(answer["etag"] == expected["etag"], "\(path)")
        }
        let workers = isolated.children()
        #expect(workers.count == 1, "\(workers)")
        for pid in workers {
            #expect(Self.commandLine(of: pid).contains("worker"))
            let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
            #expect(status.contains("NoNewPrivs:\t1") && status.contains("Seccomp:\t2"), "\(status)")
            let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
            for (limit, value) in [("Max address space", "1073741824"), ("Max open files", "16"), ("Max core file size", "0")] {
                let line = limits.split(separator: "\n").first { $0.hasPrefix(limit) }.map(String.init) ?? ""
                #expect(line.split(separator: " ", omittingEmptySubsequences: true).contains { $0 == value }, "\(line)")
            }
        }
        #expect(await isolated.stop() == 0)
        #expect(await inProcess.stop() == 0)
    }

    @Test(
        "a worker killed mid-job answers that request 422 at once, the next is served, the pool is whole again, and the source is refused",
        arguments: [SIGKILL, SIGSEGV])
    func killedWorker(signal: Int32) async throws {
        let server = try await ImgEdgeProcess.Server.servingTestImages(["--isolation", "process", "--workers", "1"])
        let before = try #require(server.children().first)
        let connection = try RawConnection(port: server.port)
        // On a thread of its own, so that the time is the server's, not a wait for one of
        // Dispatch's threads while the suite runs beside it.
        let (answer, sinceKill) = await onThread {
            _ = connection.sendBlocking(
                Array("GET /large-20mp.jpg?w=4096&format=webp&q=100 HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            // The render takes seconds (a 16 MP WebP at q100); the kill comes well inside it.
            Thread.sleep(forTimeInterval: 0.3)
            let killed = ContinuousClock.now
            kill(before, signal)
            return (connection.receiveBlocking(timeout: 10), ContinuousClock.now - killed)
        }
        #expect(answer.hasPrefix("HTTP/1.1 422"), "\(answer.prefix(300))")
        // Alone it is answered well within a second; the kernel closes a killed process's socket
        // only after unmapping its memory, which takes longer while the suite loads both cores.
        #expect(sinceKill < .seconds(3))
        #expect(await RawConnection.status(ofGet: "/landscape.jpg?w=64&format=webp", port: server.port) == "200")
        let after = server.children()
        #expect(after.count == 1 && !after.contains(before), "\(after)")
        #expect(server.log.contains("died during a job (/large-20mp.jpg)"))
        #expect(server.log.contains("killed by signal \(signal) ("), "\(server.log)")
        // The source that killed a worker is refused at once, in any size, without a worker.
        let again = ContinuousClock.now
        let refused = try RawConnection(port: server.port)
        await refused.send(Array("GET /large-20mp.jpg?w=100&format=jpeg HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        let answerAgain = await refused.receive(timeout: 10)
        #expect(
            answerAgain.hasPrefix("HTTP/1.1 422") && answerAgain.contains("crashed a worker lately"), "\(answerAgain.prefix(300))"
        )
        #expect(ContinuousClock.now - again < .seconds(1))
        #expect(server.children() == after)
        #expect(await server.stop() == 0)
    }

    @Test(
        "a locked-down worker is killed by SIGSYS when it opens a file, a socket, a program, a process or executable memory",
        arguments: ["openat", "socket", "execve", "fork", "executable-memory"])
    func refusedSystemCall(probe: String) async throws {
        let parent = String(getpid())
        let ended = try await ImgEdgeProcess.run(["worker", "--parent", parent, "--lockdown-probe", probe])
        #expect(ended.reason == .uncaughtSignal && ended.status == SIGSYS, "\(ended)")
        // The control: the same lockdown, and a call the filter allows.
        let survived = try await ImgEdgeProcess.run(["worker", "--parent", parent, "--lockdown-probe", "getpid"])
        #expect(survived.reason == .exit && survived.status == LockdownProbe.survived, "\(survived)")
    }

    @Test("a bomb that passes the header checks but needs more than --worker-max-memory costs one 422, never the server")
    func memoryBomb() async throws {
        // 49 M pixels from 48 KB, under the input limit; stretched to 40 M output pixels and
        // turned, which holds them all at once: about 350 MB at its peak in a debug worker.
        let bomb = "/png-bomb-49m-pixels.png?w=8000&h=5000&fit=fill&rotate=90&format=jpeg"
        func server(maxMemory: Int) async throws -> ImgEdgeProcess.Server {
            try await ImgEdgeProcess.Server.start([
                "--port", "0", "--origin", CorpusEntry.directory.path, "--isolation", "process", "--workers", "1",
                "--worker-max-memory", String(maxMemory),
            ])
        }
        let bounded = try await server(maxMemory: 512 << 20)
        let before = try #require(bounded.memory("VmHWM"))
        #expect(await RawConnection.status(ofGet: bomb, port: bounded.port) == "422")
        #expect(await RawConnection.status(ofGet: "/gif-300-frames.gif?w=10&h=10&format=gif", port: bounded.port) == "200")
        #expect(try #require(bounded.memory("VmHWM")) - before < 32 << 20, "the server's peak memory grew")
        #expect(await bounded.stop() == 0)
        // The control: the default bound, 1 GiB, holds it, so the 422 was the bound's.
        let roomy = try await server(maxMemory: 1 << 30)
        #expect(await RawConnection.status(ofGet: bomb, port: roomy.port) == "200")
        #expect(await roomy.stop() == 0)
    }

    @Test(
        "a worker that cannot start, or ends before it is ready, costs a 503 and blames no source",
        arguments: ["/bin/true", "/nonexistent/imgedge"])
    func workerThatCannotStart(executable: String) async throws {
        let configuration = testConfiguration {
            $0.workers.isolation = .process
            $0.workers.workerExecutable = executable
        }
        try await withServer(configuration) { client in
            for _ in 0..<2 {
                let response = try await client.get("/landscape.jpg?w=64&format=webp")
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("no worker could start"))
            }
            #expect(try await client.get("/healthz").status == .ok)
        }
    }

    @Test("a worker that stops answering is killed a second after its job's deadline: 503, and it is replaced")
    func frozenWorker() async throws {
        let server = try await ImgEdgeProcess.Server.servingTestImages([
            "--isolation", "process", "--workers", "1", "--max-processing-seconds", "1",
        ])
        let before = try #require(server.children().first)
        let connection = try RawConnection(port: server.port)
        // On a thread of its own, as in `killedWorker`.
        let (answer, took) = await onThread {
            let start = ContinuousClock.now
            // A render that takes about a second; the worker is frozen inside it, as a hung one is.
            _ = connection.sendBlocking(
                Array("GET /large-20mp.jpg?w=8192&h=4882&fit=fill&format=png HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            Thread.sleep(forTimeInterval: 0.2)
            kill(before, SIGSTOP)
            return (connection.receiveBlocking(timeout: 10), ContinuousClock.now - start)
        }
        #expect(answer.hasPrefix("HTTP/1.1 503") && answer.contains("processing took too long"), "\(answer.prefix(300))")
        // The deadline plus the second of grace, and room for a loaded machine.
        #expect(took >= .seconds(2) && took < .seconds(4), "answered after \(took)")
        let after = await server.children(whenEver: { $0.count == 1 && !$0.contains(before) })
        #expect(after.count == 1 && !after.contains(before), "\(before) then \(after)")
        #expect(await RawConnection.status(ofGet: "/landscape.jpg?w=64&format=webp", port: server.port) == "200")
        #expect(await server.stop() == 0)
    }

    @Test("the server's peak memory stays flat while its workers render; rendering in the server raises it")
    func serverMemoryFlat() async throws {
        var growth: [String: Int] = [:]
        for isolation in ["process", "none"] {
            let server = try await ImgEdgeProcess.Server.servingTestImages([
                "--isolation", isolation, "--workers", "1", "--memory-cache-bytes", "0",
            ])
            #expect(await RawConnection.status(ofGet: "/landscape.jpg?w=64&format=webp", port: server.port) == "200")
            let before = try #require(server.memory("VmHWM"))
            for width in 4000..<4002 {
                // 20 MP decoded, and a 12 MP picture the WebP encoder holds whole.
                let path = "/large-20mp.jpg?w=\(width)&h=3000&fit=fill&format=webp"
                #expect(await RawConnection.status(ofGet: path, port: server.port) == "200")
            }
            growth[isolation] = try #require(server.memory("VmHWM")) - before
            #expect(await server.stop() == 0)
        }
        let (isolated, inServer) = (growth["process", default: .max], growth["none", default: 0])
        #expect(isolated < 32 << 20, "the server's peak grew by \(isolated >> 20) MB with workers")
        #expect(inServer > isolated + (32 << 20), "in the server \(inServer >> 20) MB, with workers \(isolated >> 20) MB")
    }

    @Test("a worker holding more than --worker-max-rss after its job is replaced; one under it is kept")
    func residentBound() async throws {
        // A worker at rest holds more than 32 MiB, far less than 1 GiB.
        for (bound, replaced) in [(32 << 20, true), (1 << 30, false)] {
            let server = try await ImgEdgeProcess.Server.servingTestImages([
                "--isolation", "process", "--workers", "1", "--worker-max-rss", String(bound),
            ])
            let before = try #require(server.children().first)
            #expect(await RawConnection.status(ofGet: "/landscape.jpg?w=300&format=webp", port: server.port) == "200")
            let after = await server.children(whenEver: { $0.count == 1 && $0.contains(before) != replaced })
            #expect(after.count == 1 && after.contains(before) != replaced, "bound \(bound): \(before) then \(after)")
            #expect(await RawConnection.status(ofGet: "/landscape.jpg?w=200&format=webp", port: server.port) == "200")
            #expect(await server.stop() == 0)
        }
    }

    private static func commandLine(of pid: Int32) -> String {
        let bytes = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
        return String(decoding: bytes.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
    }
}

extension ImgEdgeProcess.Server {
    /// The pids of the server's live child processes once `condition` holds for them, or after
    /// 3 s: a killed worker lives on while the kernel frees its memory.
    func children(whenEver condition: ([Int32]) -> Bool) async -> [Int32] {
        var children = children()
        for _ in 0..<30 where !condition(children) {
            try? await Task.sleep(for: .milliseconds(100))
            children = self.children()
        }
        return children
    }

    /// A memory line of the server's /proc status (`VmRSS`, `VmHWM`), in bytes.
    func memory(_ field: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
        else { return nil }
        return kilobytes * 1024
    }
}
