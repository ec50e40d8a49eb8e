import Testing

@testable import ImgEdge

@Suite("Kubernetes' service-link variables are recognised and ignored; other unknown IMGEDGE_* variables are refused")
struct ServiceLinkTests {
    /// What Kubernetes gives every pod in the namespace of a Service named `imgedge` with a port
    /// named `http` on 8080, and of one named `imgedge-metrics`.
    static let serviceLinks = [
        "IMGEDGE_SERVICE_HOST": "10.0.0.1", "IMGEDGE_SERVICE_PORT": "8080", "IMGEDGE_SERVICE_PORT_HTTP": "8080",
        "IMGEDGE_PORT": "tcp://10.0.0.1:8080", "IMGEDGE_PORT_8080_TCP": "tcp://10.0.0.1:8080",
        "IMGEDGE_PORT_8080_TCP_ADDR": "10.0.0.1", "IMGEDGE_PORT_8080_TCP_PORT": "8080", "IMGEDGE_PORT_8080_TCP_PROTO": "tcp",
        "IMGEDGE_METRICS_SERVICE_HOST": "10.0.0.2", "IMGEDGE_METRICS_PORT": "tcp://10.0.0.2:9090",
        "IMGEDGE_METRICS_PORT_9090_TCP_ADDR": "10.0.0.2",
    ]

    @Test("the full set is left out of the settings, and named")
    func recognised() throws {
        let inputs = try ConfigurationInputs(
            environment: Self.serviceLinks.merging(["IMGEDGE_QUEUE": "7", "HOME": "/root"]) { $1 })
        #expect(inputs.serviceLinks == Self.serviceLinks.keys.sorted())
        let resolved = try ResolvedConfiguration(inputs)
        #expect(resolved.value.workers.queueLimit == 7)
        #expect(resolved.value.port == ImgEdgeConfiguration().port)
        #expect(resolved.serviceLinks.count == Self.serviceLinks.count)
    }

    @Test("IMGEDGE_PORT and IMGEDGE_METRICS_PORT holding a number are settings still")
    func portsAreSettings() throws {
        let resolved = try ResolvedConfiguration(
            ConfigurationInputs(environment: ["IMGEDGE_PORT": "8181", "IMGEDGE_METRICS_PORT": "9191"]))
        #expect(resolved.value.port == 8181 && resolved.value.metricsPort == 9191)
        #expect(resolved.serviceLinks.isEmpty)
    }

    @Test(
        "any other unknown IMGEDGE_* variable is refused by name, with a hint when it is one edit or two from a key",
        arguments: [
            ("IMGEDGE_QEUE", "unknown environment variable IMGEDGE_QEUE (did you mean IMGEDGE_QUEUE?)"),
            ("IMGEDGE_SERVICE", "unknown environment variable IMGEDGE_SERVICE"),
            ("IMGEDGE_PORT_8080_HTTP", "unknown environment variable IMGEDGE_PORT_8080_HTTP"),
        ])
    func refused(name: String, message: String) {
        #expect(throws: ConfigurationError(reason: message)) {
            try ResolvedConfiguration(ConfigurationInputs(environment: [name: "1"]))
        }
    }

    @Test("the binary started with the full set serves, and says which it ignored")
    func serves() async throws {
        let server = try await ImgEdgeProcess.Server.start(
            ["--port", "0", "--origin", testImagesDirectory], environment: Self.serviceLinks)
        #expect(await RawConnection.status(ofGet: "/landscape.jpg?w=50", port: server.port) == "200")
        #expect(server.log.contains("service-link variables, not settings, ignored: IMGEDGE_METRICS_PORT"))
        #expect(await server.stop() == 0)
    }
}
