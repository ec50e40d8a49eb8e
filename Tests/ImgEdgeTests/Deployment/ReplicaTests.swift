import AsyncHTTPClient
import Foundation
import Testing

/// Three real imgedge replicas, each with a disk cache of its own, behind real nginx running
/// `deploy/nginx/imgedge-balancer.conf` (`hash $request_uri consistent`).
@Suite("Scale-out: three replicas behind nginx with consistent hashing")
struct ReplicaTests {
    /// The replicas, on ports chosen before they start so that one can come back on its own.
    final class Replicas: @unchecked Sendable {
        let ports: [Int]
        let cacheDirectories: [URL]
        var servers: [ImgEdgeProcess.Server?]

        init(count: Int) async throws {
            ports = try (0..<count).map { _ in try freeLoopbackPort() }
            cacheDirectories = try (0..<count).map { _ in try Daemon.makeDirectory(for: "replica-cache") }
            servers = Array(repeating: nil, count: count)
            for index in 0..<count {
                do {
                    try await start(index)
                } catch {
                    await stopAll()
                    throw error
                }
            }
        }

        func start(_ index: Int) async throws {
            servers[index] = try await ImgEdgeProcess.Server.servingTestImages(
                port: ports[index], ["--cache-dir", cacheDirectories[index].path])
        }

        /// The replica a response came from, by the port nginx's `X-Upstream-Address` ends with.
        func index(answering response: ProxiedResponse) -> Int? {
            guard let address = response["X-Upstream-Address"]?.split(separator: ",").last,
                let port = address.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
            else { return nil }
            return ports.firstIndex(of: port)
        }

        /// Variants in each replica's disk cache: its files, whatever the layout.
        func diskEntries(_ index: Int) -> Int {
            let files = FileManager.default.enumerator(
                at: cacheDirectories[index], includingPropertiesForKeys: [.isRegularFileKey])
            return (files?.allObjects as? [URL] ?? []).filter {
                (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
            }.count
        }

        func stopAll() async {
            for server in servers.compactMap({ $0 }) {
                _ = await server.stop()
            }
            for directory in cacheDirectories {
                try? FileManager.default.removeItem(at: directory)
            }
        }
    }

    @Test("same bytes from every replica, a shard per replica, no request lost when one dies under load, and it rejoins")
    func scaleOut() async throws {
        let replicas = try await Replicas(count: 3)
        do {
            let nginx = try await Nginx.start(
                site: "imgedge-balancer.conf", listenPlaceholder: 8080,
                replacing: (0..<3).map { ("server 127.0.0.1:\(8081 + $0) ", "server 127.0.0.1:\(replicas.ports[$0]) ") })
            do {
                try await check(replicas, behind: nginx)
            } catch {
                await nginx.stop()
                throw error
            }
            await nginx.stop()
        } catch {
            await replicas.stopAll()
            throw error
        }
        await replicas.stopAll()
    }

    private func check(_ replicas: Replicas, behind nginx: Nginx) async throws {
        // One variant rendered by each replica: identical bytes and tag.
        let rendered = try await replicas.ports.asyncMap { port in
            try await ProxiedResponse.get("http://127.0.0.1:\(port)/landscape.jpg?w=333", ImageClient.firefox.headers)
        }
        #expect(Set(rendered.map(\.body)).count == 1)
        #expect(Set(rendered.compactMap { $0["ETag"] }).count == 1)

        // Thirty URLs through nginx: each goes to one replica, every time; the shards split them.
        let targets = (0..<30).map { "/landscape.jpg?w=\(100 + $0 * 7)" }
        var owner: [String: Int] = [:]
        for target in targets {
            let response = try await nginx.get(target, ImageClient.firefox.headers)
            #expect(response.status == 200)
            owner[target] = replicas.index(answering: response)
        }
        for target in targets.prefix(10) {
            #expect(replicas.index(answering: try await nginx.get(target, ImageClient.firefox.headers)) == owner[target])
        }
        let shards = (0..<3).map { index in owner.values.filter { $0 == index }.count }
        print("replica shards of 30 URLs: \(shards); disk entries: \((0..<3).map(replicas.diskEntries))")
        #expect(shards.allSatisfy { $0 > 0 }, "shards \(shards)")
        #expect(shards.reduce(0, +) == 30)

        // Ten seconds of load; the replica owning most URLs is killed after three.
        let victim = try #require(shards.indices.max { shards[$0] < shards[$1] })
        let outcome = try await load(nginx, targets: targets, seconds: 10) {
            replicas.servers[victim]?.send(SIGKILL)
        }
        print("load through nginx, replica \(victim) killed at 3 s: \(outcome.succeeded) answered, \(outcome.failed) failed")
        #expect(outcome.succeeded > 400)
        // nginx retries a GET whose replica dies mid-flight, so none should fail; at most those
        // in flight on it (one per load task) may.
        #expect(outcome.failed <= Self.loadConcurrency, "\(outcome.failed) requests failed")

        // The replica comes back on its port, and nginx sends it its shard again.
        _ = await replicas.servers[victim]?.exitStatus()
        try await replicas.start(victim)
        let victimTarget = try #require(targets.first { owner[$0] == victim })
        var rejoined = false
        let deadline = ContinuousClock.now + .seconds(20)
        while !rejoined, ContinuousClock.now < deadline {
            rejoined = replicas.index(answering: try await nginx.get(victimTarget, ImageClient.firefox.headers)) == victim
            if !rejoined { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(rejoined, "replica \(victim) was not sent its shard again")
    }

    static let loadConcurrency = 4

    /// Requests `targets` in turn from `loadConcurrency` tasks, each pausing 10 ms between its
    /// requests, for `seconds`, calling `disrupt`
    /// after 3 s; counts the 200s and everything else (other statuses and transport errors).
    private func load(
        _ nginx: Nginx, targets: [String], seconds: Int, disrupt: @escaping @Sendable () -> Void
    ) async throws -> (succeeded: Int, failed: Int) {
        let end = ContinuousClock.now + .seconds(seconds)
        return try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            group.addTask {
                try await Task.sleep(for: .seconds(3))
                disrupt()
                return (0, 0)
            }
            for task in 0..<Self.loadConcurrency {
                group.addTask {
                    var (succeeded, failed) = (0, 0)
                    var next = task
                    while ContinuousClock.now < end {
                        let target = targets[next % targets.count]
                        next += 1
                        if let response = try? await nginx.get(target, ImageClient.firefox.headers), response.status == 200 {
                            succeeded += 1
                        } else {
                            failed += 1
                        }
                        // Paced, so that the suites running beside this one keep their share of the cores.
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    return (succeeded, failed)
                }
            }
            return try await group.reduce(into: (0, 0)) {
                $0.0 += $1.0
                $0.1 += $1.1
            }
        }
    }
}

extension Array where Element: Sendable {
    /// The results of `transform` on each element, in order, one after another.
    fileprivate func asyncMap<Result>(_ transform: (Element) async throws -> Result) async rethrows -> [Result] {
        var results: [Result] = []
        for element in self {
            results.append(try await transform(element))
        }
        return results
    }
}
