import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ImgEdge

@Suite("GET /metrics through the live server")
struct MetricsRoutesTests {
    @Test("the counters move by exactly the requests sent, the event-loop memory hit included")
    func countsWhatWasSent() async throws {
        try await withServer { client in
            let miss = try await client.get("/landscape.jpg?w=64&format=webp")
            let hit = try await client.get("/landscape.jpg?w=64&format=webp")
            #expect(miss.headers[.xCache] == "MISS")
            #expect(hit.headers[.xCache] == "HIT-MEMORY")
            _ = try await client.get("/landscape.jpg?w=abc")
            _ = try await client.get("/missing.jpg")
            _ = try await client.get("/healthz")
            let scrape = try await client.get("/metrics")
            #expect(scrape.status == .ok)
            #expect(scrape.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let values = prometheusSamples(String(buffer: scrape.body))
            #expect(values[#"imgedge_http_requests_total{route="image",status_class="2xx"}"#] == 2)
            #expect(values[#"imgedge_http_requests_total{route="image",status_class="4xx"}"#] == 2)
            #expect(values[#"imgedge_http_requests_total{route="healthz",status_class="2xx"}"#] == 1)
            #expect(values[#"imgedge_http_requests_total{route="metrics",status_class="2xx"}"#] == 0)
            #expect(values[#"imgedge_cache_results_total{result="miss"}"#] == 1)
            #expect(values[#"imgedge_cache_results_total{result="hit_memory"}"#] == 1)
            #expect(values[#"imgedge_output_images_total{format="webp"}"#] == 2)
            #expect(values[#"imgedge_output_bytes_total{format="webp"}"#] == miss.body.readableBytes + hit.body.readableBytes)
            #expect(values[#"imgedge_rejections_total{kind="invalid-options"}"#] == 1)
            #expect(values[#"imgedge_rejections_total{kind="not-found"}"#] == 1)
            #expect(values[#"imgedge_rejections_total{kind="overloaded"}"#] == 0)
            #expect(values[#"imgedge_request_duration_seconds_count{route="image"}"#] == 4)
            #expect(values[#"imgedge_request_duration_seconds_count{route="healthz"}"#] == 1)
            #expect(values["imgedge_jobs_running"] == 0)
            #expect(values["imgedge_jobs_queued"] == 0)
            for stage in ["fetch", "queue", "decode", "encode"] {  // the miss alone was rendered
                #expect(values[#"imgedge_stage_duration_seconds_count{stage="\#(stage)"}"#] == 1)
            }
            #expect(values[#"imgedge_stage_duration_seconds_count{stage="filters"}"#] == 0)
        }
    }

    @Test("a strip filter's time is a stage of its own; a recipe filter's is the decode's")
    func filterStage() async throws {
        try await withServer { client in
            let stripFiltered = try await client.get("/landscape.jpg?w=64&filter=vignette(0.5)")
            let recipeFiltered = try await client.get("/landscape.jpg?w=64&filter=sepia")
            #expect(stripFiltered.headers[HTTPField.Name("Server-Timing")!]?.contains("filters;dur=") == true)
            #expect(recipeFiltered.headers[HTTPField.Name("Server-Timing")!]?.contains("filters") == false)
            #expect(recipeFiltered.headers[HTTPField.Name("Server-Timing")!]?.contains("decode;dur=") == true)
            let values = prometheusSamples(String(buffer: try await client.get("/metrics").body))
            #expect(values[#"imgedge_stage_duration_seconds_count{stage="filters"}"#] == 1)
            #expect(values[#"imgedge_stage_duration_seconds_count{stage="decode"}"#] == 2)
        }
    }

    @Test("imgedge serve --metrics-port logs which listener is which: images on the main port, /metrics on the other")
    func metricsListenerLogged() async throws {
        let metricsPort = try freeLoopbackPort()
        let server = try await ImgEdgeProcess.Server.servingTestImages(["--metrics-port", String(metricsPort)])
        let image = await RawConnection.status(ofGet: "/landscape.jpg?w=32", port: server.port)
        let metrics = await RawConnection.status(ofGet: "/metrics", port: metricsPort)
        #expect(await server.stop() == 0)
        #expect(server.port != metricsPort)
        #expect(image == "200")
        #expect(metrics == "200")
        #expect(server.log.contains("listener=metrics"), "\(server.log)")
    }

    @Test("with --metrics-port, /metrics moves there beside the probes and leaves the main port")
    func metricsPort() async throws {
        let metricsPort = try freeLoopbackPort()
        try await withServer(testConfiguration { $0.metricsPort = metricsPort }) { client in
            let image = try await client.get("/landscape.jpg?w=32")
            let mainMetrics = try await client.get("/metrics")
            let mainHealth = try await client.get("/healthz")
            #expect(image.status == .ok)
            #expect(mainMetrics.status == .notFound)
            #expect(mainHealth.status == .ok)
            for probe in ["/healthz", "/readyz", "/metrics"] {
                #expect(await RawConnection.status(ofGet: probe, port: metricsPort) == "200", "\(probe)")
            }
            #expect(await RawConnection.status(ofGet: "/landscape.jpg?w=32", port: metricsPort) == "404")
            let answered = try await imageRequestsAnswered(port: metricsPort)
            #expect(answered == 2)  // the image and the main port's /metrics
        }
    }

    @Test(
        "a module call that fails is counted under the module's name and the failure's kind, in the server or a worker",
        arguments: [ImageWorkers.Isolation.none, .process])
    func moduleFailures(isolation: ImageWorkers.Isolation) async throws {
        try await withServer(testConfiguration { $0.workers.isolation = isolation }) { client in
            let refused = try await client.execute(
                uri: "/resize?transform=qoi&w=10", method: .post, body: ByteBuffer(bytes: Array("qoif but not really".utf8))
            ) { $0 }
            #expect(refused.status == .unprocessableContent)
            _ = try await client.get("/landscape.jpg?w=40&filter=sepia")
            let values = prometheusSamples(String(buffer: try await client.get("/metrics").body))
            let failures = values.filter { $0.key.hasPrefix("imgedge_module_failures_total") }
            #expect(failures.count == 1, "\(failures)")
            #expect(
                failures.first.map { $0.key.contains(#"module="qoi""#) && $0.key.contains(#"kind="invalid-format""#) } == true)
            #expect(failures.first?.value == 1)
        }
    }

    @Test("every series exists before anything is counted, and no label value comes from a request")
    func closedLabelSets() async throws {
        try await withServer { client in
            _ = try await client.get("/some/path/nobody/has.jpg?w=12")
            let values = prometheusSamples(String(buffer: try await client.get("/metrics").body))
            // image, resize, modules, healthz, readyz, metrics, playground, other × 1xx…5xx
            #expect(values.keys.filter { $0.hasPrefix("imgedge_http_requests_total") }.count == 8 * 5)
            #expect(values.keys.filter { $0.hasPrefix("imgedge_rejections_total") }.count > 20)
            #expect(!values.keys.contains { $0.contains("some/path") || $0.contains("has.jpg") })
        }
    }
}
