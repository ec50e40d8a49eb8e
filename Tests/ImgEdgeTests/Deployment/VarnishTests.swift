import Foundation
import NIOCore
import Testing
import Vips

/// Real Varnish with `deploy/varnish/` in front of the real imgedge binary.
@Suite("Varnish in front: one cached copy per variant, each client its own, imgedge asked once")
struct VarnishTests {
    /// Runs `test` with a fresh imgedge (memory tier only; `arguments` added) and a fresh Varnish
    /// in front of it.
    private func withVarnish(
        _ arguments: [String] = [], _ test: (Varnish, ImgEdgeProcess.Server) async throws -> Void
    ) async throws {
        let imgedge = try await ImgEdgeProcess.Server.servingTestImages(arguments)
        do {
            let varnish = try await Varnish.start(inFrontOf: imgedge.port)
            do {
                try await test(varnish, imgedge)
            } catch {
                await varnish.stop()
                throw error
            }
            await varnish.stop()
        } catch {
            _ = await imgedge.stop()
            throw error
        }
        #expect(await imgedge.stop() == 0)
    }

    @Test("each kind of client gets its own correct variant from Varnish, and imgedge renders each variant once")
    func variantsStaySeparate() async throws {
        try await withVarnish { varnish, imgedge in
            let target = "/landscape.jpg?w=200"
            let clients: [ImageClient] = [.chrome, .firefox, .safari13, .curl, .chrome84, .chrome120]
            var first: [String: ProxiedResponse] = [:]
            for client in clients {
                let response = try await varnish.get(target, client.headers)
                #expect(response.status == 200, "\(client)")
                #expect(response["X-Variant"] == client.format, "\(client)")
                #expect(response["Content-Type"] == "image/\(client.format)", "\(client)")
                #expect(response["Vary"] == "Accept, Save-Data", "\(client)")
                #expect(response["Cache-Control"] == "public, max-age=31536000, immutable")
                first[client.description] = response
            }
            // Four variants: JPEG XL, AVIF, JPEG (Safari 13 and curl share it) and WebP;
            // Chrome 120 names the formats Firefox does.
            #expect(try await imageRequestsAnswered(port: imgedge.port) == 4)
            for client in (clients + clients).reversed() {
                let again = try await varnish.get(target, client.headers)
                #expect(again["X-Varnish-Cache"] == "HIT", "\(client)")
                #expect(again.body == first[client.description]?.body, "\(client) got another client's bytes")
                #expect(again["ETag"] == first[client.description]?["ETag"], "\(client)")
            }
            #expect(try await imageRequestsAnswered(port: imgedge.port) == 4, "a repeat reached imgedge")
            // And Varnish's answer is what imgedge itself answers the client's own headers.
            for client in clients {
                let direct = try await ProxiedResponse.get("http://127.0.0.1:\(imgedge.port)\(target)", client.headers)
                #expect(direct.body == first[client.description]?.body, "\(client)")
            }
        }
    }

    @Test("Varnish keeps a variant's fast bytes for their short max-age only, then fetches and keeps the optimised ones")
    func fastStageExpires() async throws {
        // A target every format reaches below its default quality, so the optimised bytes are smaller.
        try await withVarnish(["--optimize-after-seconds", "2", "--quality-target", "70"]) { varnish, imgedge in
            let target = "/landscape.jpg?w=300"
            let fast = try await varnish.get(target, ImageClient.chrome.headers)
            #expect(fast.status == 200)
            #expect(fast["X-Stage"] == "fast")
            #expect(fast["Cache-Control"] == "public, max-age=2")
            #expect(try await varnish.get(target, ImageClient.chrome.headers)["X-Varnish-Cache"] == "HIT")
            // Past the max-age Varnish asks again (within its grace it answers the stale copy once
            // while it does), and keeps what it gets.
            let deadline = ContinuousClock.now + .seconds(60)
            var latest = fast
            while latest["X-Stage"] == "fast", ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(500))
                latest = try await varnish.get(target, ImageClient.chrome.headers)
            }
            #expect(latest["X-Stage"] == "optimised")
            #expect(latest["Cache-Control"] == "public, max-age=31536000, immutable")
            #expect(latest["ETag"] != fast["ETag"])
            #expect(latest.body.count < fast.body.count)
            // The fast bytes were asked again each max-age until the optimised ones were ready;
            // those are kept.
            let answered = try await imageRequestsAnswered(port: imgedge.port)
            #expect(answered >= 2)
            let kept = try await varnish.get(target, ImageClient.chrome.headers)
            #expect(kept["X-Varnish-Cache"] == "HIT")
            #expect(kept.body == latest.body)
            #expect(try await imageRequestsAnswered(port: imgedge.port) == answered, "the optimised bytes asked once")
        }
    }

    @Test("If-None-Match through Varnish gets a 304 with the variant's headers, cold or cached")
    func revalidation() async throws {
        try await withVarnish { varnish, imgedge in
            let cached = try await varnish.get("/portrait.jpg?w=120", ImageClient.firefox.headers)
            let tag = try #require(cached["ETag"])
            let notModified = try await varnish.get("/portrait.jpg?w=120", ImageClient.firefox.headers + [("If-None-Match", tag)])
            #expect(notModified.status == 304)
            #expect(notModified["ETag"] == tag)
            #expect(notModified["X-Variant"] == "avif")
            #expect(notModified.body.isEmpty)
            #expect(try await imageRequestsAnswered(port: imgedge.port) == 1)
            // A tag learnt elsewhere (another edge) for a variant this Varnish has not seen yet.
            let elsewhere = try await ProxiedResponse.get(
                "http://127.0.0.1:\(imgedge.port)/portrait.jpg?w=90", ImageClient.chrome.headers)
            let cold = try await varnish.get(
                "/portrait.jpg?w=90", ImageClient.chrome.headers + [("If-None-Match", try #require(elsewhere["ETag"]))])
            #expect(cold.status == 304)
            #expect(cold["X-Variant"] == "jxl")
            let stale = try await varnish.get("/portrait.jpg?w=90", ImageClient.chrome.headers + [("If-None-Match", #""0123""#)])
            #expect(stale.status == 200)
            #expect(stale.body == elsewhere.body)
        }
    }

    @Test("a width hint sent on two lines and then on one gets the same width, the hint's bucket, from Varnish")
    func repeatedHint() async throws {
        try await withVarnish { varnish, imgedge in
            let target = "/landscape.jpg?format=png"
            let twice = try await varnish.get(target, [("Sec-CH-Width", "100"), ("Sec-CH-Width", "100")])
            let once = try await varnish.get(target, [("Sec-CH-Width", "100")])
            #expect(twice.status == 200 && once.status == 200)
            #expect(try DecodedImage(ByteBuffer(bytes: twice.body)).header.width == 111)
            #expect(try DecodedImage(ByteBuffer(bytes: once.body)).header.width == 111)
            #expect(once["X-Varnish-Cache"] == "HIT", "Varnish keyed both on the first line")
            // The first line decides, whatever follows it.
            let differing = try await varnish.get(target, [("Sec-CH-Width", "100"), ("Sec-CH-Width", "900")])
            #expect(try DecodedImage(ByteBuffer(bytes: differing.body)).header.width == 111)
            #expect(try await imageRequestsAnswered(port: imgedge.port) == 1)
        }
    }

    @Test("for clients whose Accept names no image type, the config infers from User-Agent what imgedge would")
    func userAgentTableAgrees() async throws {
        try await withVarnish { varnish, _ in
            for (userAgent, formats) in RealUserAgents.all {
                let expected = formats.contains(.avif) ? "avif" : formats.contains(.webp) ? "webp" : "jpeg"
                let response = try await varnish.get("/landscape.jpg?w=48", [("Accept", "*/*"), ("User-Agent", userAgent)])
                #expect(response["X-Variant"] == expected, "\(userAgent)")
                #expect(response["Vary"] == "Accept, Save-Data", "\(userAgent)")
            }
        }
    }
}
