/// How much of the server one client may hold, and how long each phase of a connection may take.
///
/// Every phase has a deadline that fires by itself: a connection waiting for a request
/// (`ImgEdgeConfiguration.idleTimeout`), reading a request's head (`headTimeout`), receiving an
/// upload's body (`ImgEdgeConfiguration.uploadTimeout`) and sending an answer the client does
/// not read (`writeTimeout`). One client address holds at most `connectionsPerClient`
/// connections and `jobsPerClient` requests with a worker place, as nginx's `limit_conn` bounds
/// connections per address: one address can never hold the whole server.
struct ClientLimits: Sendable {
    /// The longest a request's head may take to arrive whole, from its first byte.
    var headTimeout: Duration = .seconds(10)
    /// The longest the server waits for a client to read what it was sent, while more is waiting
    /// to be sent, before it closes the connection.
    var writeTimeout: Duration = .seconds(30)
    /// Connections one client address may hold open at once; more are closed as they open.
    var connectionsPerClient = 64
    /// Requests one client address may have holding a worker place at once (fetching,
    /// uploading, queued or rendering); more are answered 429. 0: a quarter of the places
    /// (workers plus queue), at least one.
    var jobsPerClient = 0
    /// Proxies (CIDR blocks or addresses, each item possibly a comma-separated list) whose
    /// `X-Forwarded-For` names the client: behind them, the client is the right-most address in
    /// it that is not a trusted proxy.
    var trustedProxies: [String] = []
    /// Connections the metrics listener holds open at once.
    var metricsConnections = 16

    init() {}

    /// `jobsPerClient` resolved against the worker pool's places.
    func jobsPerClient(places: Int) -> Int {
        jobsPerClient > 0 ? jobsPerClient : max(1, places / 4)
    }

    /// The settings of this concern, under `clients.` in a config file.
    static let configurationKeys: [ConfigurationKey<Self>] = [
        .seconds(
            "clients.head_timeout_seconds", flag: "head-timeout-seconds", \.headTimeout, in: 0.1...3600,
            help: "The longest a request's head may take to arrive whole, from its first byte."),
        .seconds(
            "clients.write_timeout_seconds", flag: "write-timeout-seconds", \.writeTimeout, in: 0.1...3600,
            help: "A client that reads nothing of what it was sent for this long is disconnected."),
        .integer(
            "clients.connections_per_client", flag: "max-connections-per-client", \.connectionsPerClient, in: 1...1_000_000,
            help: "Connections one client address may hold open; more are closed as they open."),
        .integer(
            "clients.jobs_per_client", flag: "max-jobs-per-client", \.jobsPerClient, in: 0...100_000,
            defaultDescription: "a quarter of workers plus queue",
            help: "Requests one client address may have fetching, uploading, queued or rendering; more get 429."),
        .textList(
            "clients.trusted_proxies", flag: "trusted-proxies", \.trustedProxies,
            help: "Proxies (CIDR or address) whose X-Forwarded-For names the client: its right-most untrusted entry."
        ) { list in
            TrustedProxies.items(list).first { TrustedProxies.Block($0) == nil }.map { "\($0) is not a CIDR block or an address" }
        },
        .integer(
            "clients.metrics_connections", flag: "metrics-max-connections", \.metricsConnections, in: 1...100_000,
            help: "Connections the metrics listener holds open at once."),
    ]
}
