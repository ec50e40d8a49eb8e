import Crypto
import Filters
import Foundation
public import Hummingbird
public import Logging
import NIOCore
import ServiceLifecycle
import Vips

/// Builds the imgedge application from a validated configuration.
///
/// Starts libvips, the worker threads, the origin and the cache tiers, registers the routes
/// (and the event-loop hit path, and the metrics port's listener when one is set), starts the
/// worker processes once the server listens, and ties the resources' shutdown to the
/// application's.
///
/// - Parameters:
///   - readiness: what `/readyz` answers; `Readiness.Drain` turns it at shutdown.
///   - readConfiguration: reads the configuration anew from its sources; on SIGHUP its
///     reloadable keys are applied to the running server. Nil when there is nothing to re-read.
public func buildApplication(
    configuration: ImgEdgeConfiguration,
    logger: Logger = Logger(label: "imgedge"),
    readiness: Readiness = Readiness(),
    readConfiguration: (@Sendable () throws(ConfigurationError) -> ImgEdgeConfiguration)? = nil
) throws -> some ApplicationProtocol {
    try configuration.validate()
    let fallback = try fallbackImage(configuration)
    if !configuration.cache.directory.isEmpty {
        try DiskDirectoryOwnership.claim(configuration.cache.directory)
    }
    try Libvips.start()
    Libvips.tuneAllocator(arenas: configuration.workers.workers)
    let metrics = ServiceMetrics()
    let processes =
        configuration.workers.isolation == .process
        ? WorkerPool(
            launch: WorkerPool.Launch(for: configuration), size: configuration.workers.workers,
            maxJobs: configuration.workers.maxJobsPerProcess, maxResidentBytes: configuration.workers.maxProcessResidentBytes,
            logger: logger, spentCPU: { metrics.countWorkerCPU($0, pool: .requests) }) : nil
    let workers = ImageWorkers(
        settings: configuration.workers,
        placesPerClient: configuration.clients.jobsPerClient(
            places: configuration.workers.workers + configuration.workers.queueLimit),
        processes: processes)
    var resources: [any Service] = [ResourceService(release: { try await workers.shutdown() })]
    let optimiser =
        configuration.encoding.optimizeAfterSeconds > 0 ? optimiser(configuration, logger: logger, metrics: metrics) : nil
    if let optimiser {
        resources.append(ResourceService(release: { try await optimiser.shutdown() }))
    }
    let origin: any Origin
    if configuration.originIsHTTP {
        let httpOrigin = HTTPOrigin(baseURL: configuration.origin, settings: configuration.httpOrigin)
        resources.append(ResourceService(release: { try await httpOrigin.shutdown() }))
        origin = httpOrigin
    } else if let bucket = S3Bucket(location: configuration.origin) {
        let found = S3Credentials.find(settings: configuration.s3Origin, environment: ProcessInfo.processInfo.environment)
        let s3Origin = S3Origin(
            bucket: bucket, settings: configuration.s3Origin, timeouts: configuration.httpOrigin, credentials: found.credentials)
        logger.info(
            "S3 origin: bucket \(bucket.name) at \(s3Origin.endpoint.absoluteString), \(s3Origin.virtualHosted ? "virtual-hosted" : "path-style"), credentials from \(found.source)"
        )
        resources.append(ResourceService(release: { try await s3Origin.shutdown() }))
        origin = s3Origin
    } else {
        origin = FileOrigin(root: configuration.origin)
    }
    let modules = ModuleCatalog(directory: configuration.modulesDirectory, limits: configuration.filterLimits)
    logger.info("filter modules loaded: \(modules.registry.modules.keys.sorted().joined(separator: ", "))")
    for (name, reason) in modules.registry.failures.sorted(by: { $0.key < $1.key }) {
        logger.error("filter module \(name) not loaded: \(reason)")
    }
    let live = LiveConfiguration(configuration)
    resources.append(
        Reloader(
            catalog: modules, processes: processes, interval: configuration.moduleCheckInterval,
            readConfiguration: readConfiguration, live: live,
            logger: logger))
    var disk: DiskTier?
    if !configuration.cache.directory.isEmpty {
        let tier = DiskTier(directory: configuration.cache.directory, capacity: configuration.cache.diskBytes, logger: logger)
        resources.append(ResourceService(release: { await tier.settle() }))
        disk = tier
    }
    let cache = VariantCache(
        memory: configuration.cache.memoryBytes > 0 ? MemoryTier(capacity: configuration.cache.memoryBytes) : nil, disk: disk)
    let service = ImageService(
        origin: origin, originName: configuration.origin, workers: workers, encoding: configuration.encoding, cache: cache,
        settings: configuration.cache, modules: modules, fallback: fallback, optimiser: optimiser)
    let accessLog = AccessLog(
        writer: logger.logLevel <= .info ? AccessLogWriter(countDropped: metrics.countDroppedAccessLines) : nil,
        format: configuration.logFormat, label: logger.label)
    if let writer = accessLog.writer {
        // First, so that it is released last: after the server has answered its last request.
        resources.insert(ResourceService(release: { await writer.stop() }), at: 0)
    }
    let routes = ImageRoutes(
        service: service, live: live, serverName: "imgedge",
        observer: RequestObserver(metrics: metrics, accessLog: accessLog),
        readiness: readiness, servesPlayground: configuration.servesPlayground && configuration.signingKeys.isEmpty,
        trustedProxies: TrustedProxies(configuration.clients.trustedProxies))
    let date = CurrentHTTPDate()
    let router = Router(options: .autoGenerateHeadEndpoints)
    let timeouts = ConnectionDeadlines.Timeouts(
        idle: TimeAmount(configuration.idleTimeout), head: TimeAmount(configuration.clients.headTimeout),
        body: TimeAmount(configuration.uploadTimeout), write: TimeAmount(configuration.clients.writeTimeout))
    let trustedProxies = routes.trustedProxies
    if configuration.metricsPort == 0 {
        routes.register(on: router)
    } else {
        let metricsRouter = Router(options: .autoGenerateHeadEndpoints)
        routes.register(on: router, metricsRouter: metricsRouter)
        // Its log lines say `listener=metrics`, so its "listening on" is told from the main one's.
        var metricsLogger = logger
        metricsLogger[metadataKey: "listener"] = "metrics"
        // Last of the resources, so it stops right after the main listener: probes answer while draining.
        resources.append(
            Application(
                router: metricsRouter,
                server: .watchedHTTP1(timeouts: timeouts, connectionShares: nil, trustedProxies: trustedProxies, cacheHit: nil),
                configuration: .init(
                    address: .hostname(configuration.host, port: configuration.metricsPort), serverName: routes.serverName,
                    availableConnectionsDelegate: .maximum(configuration.clients.metricsConnections, logger: metricsLogger)),
                logger: metricsLogger))
    }
    return Application(
        router: router,
        server: .watchedHTTP1(
            timeouts: timeouts, connectionShares: ClientShares(limit: configuration.clients.connectionsPerClient),
            trustedProxies: trustedProxies
        ) {
            routes.cacheHit(for: $0, date: date, on: $1)
        },
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: routes.serverName,
            availableConnectionsDelegate: .maximum(configuration.maxConnections, logger: logger)),
        services: resources,
        onServerRunning: { _ in
            workers.startProcesses()
            optimiser?.workers.startProcesses()
        },
        logger: logger
    )
}

/// The fallback image the configuration names, read once at start; nil when it names none.
/// - Throws: `ConfigurationError` when the file cannot be read, is larger than the source
///   limit, or is not an image format imgedge accepts.
private func fallbackImage(_ configuration: ImgEdgeConfiguration) throws(ConfigurationError) -> SourceImage? {
    let path = configuration.fallbackImage
    guard !path.isEmpty else { return nil }
    func refused(_ reason: String) -> ConfigurationError {
        ConfigurationError(key: "origin.fallback_image", setting: "origin.fallback_image=\(path)", reason: reason)
    }
    guard let data = FileManager.default.contents(atPath: path) else { throw refused("cannot be read") }
    guard data.count <= configuration.limits.maxSourceBytes else {
        throw refused("is larger than max-source-bytes (\(configuration.limits.maxSourceBytes))")
    }
    let bytes = SourceBytes(data)
    guard bytes.withUnsafeBytes(SourceSniffer.sniff) != nil else { throw refused("is not a JPEG, PNG, GIF, WebP or HEIF image") }
    let digest = bytes.withUnsafeBytes { SHA256.hash(data: $0) }
    return SourceImage(bytes: bytes, lastModified: nil, version: SourceImage.contentVersion(digest))
}

/// The optimiser, with one worker thread of its own at nice 19, and its own worker process when
/// isolation is on, so that its slow encodes, one at a time, take only what the misses leave.
/// `--worker-nice 0` turns priorities off, for the optimiser too.
private func optimiser(_ configuration: ImgEdgeConfiguration, logger: Logger, metrics: ServiceMetrics) -> Optimiser {
    var settings = configuration.workers
    (settings.workers, settings.queueLimit) = (1, 0)
    settings.niceness = settings.niceness == 0 ? 0 : 19
    let processes =
        settings.isolation == .process
        ? WorkerPool(
            launch: WorkerPool.Launch(for: configuration), size: 1, maxJobs: settings.maxJobsPerProcess,
            maxResidentBytes: settings.maxProcessResidentBytes, logger: logger,
            spentCPU: { metrics.countWorkerCPU($0, pool: .optimiser) }) : nil
    return Optimiser(
        workers: ImageWorkers(settings: settings, placesPerClient: 1, processes: processes), logger: logger,
        observer: Optimiser.Observer(ended: metrics.countOptimisation, dropped: metrics.countOptimisationDropped))
}
