// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The tests' settings: MemberImportVisibility is off, since which module a Glibc struct
/// (`sockaddr_in`, `stat`) belongs to depends on which C module a compiler batch loads first,
/// and in a batch that loads NIO's C shim first, a file importing Glibc would be refused its
/// members.
let testSwiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "imgedge",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "imgedge", targets: ["ImgEdgeCLI"]),
        .executable(name: "filter-bench", targets: ["FilterBenchmarks"]),
        .executable(name: "access-log-bench", targets: ["AccessLogBenchmarks"]),
        .executable(name: "ssim-bench", targets: ["SSIMBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swiftwasm/WasmKit.git", .upToNextMinor(from: "0.4.2")),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.24.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // libvips, found through pkg-config.
        .systemLibrary(
            name: "CVips",
            pkgConfig: "vips",
            providers: [.apt(["libvips-dev"])]
        ),
        // Fixed-signature C wrappers around libvips' variadic API.
        // liborc's own API reserves the memory its compiled loops go in before a worker's lockdown.
        .target(name: "CVipsShim", dependencies: ["CVips"], linkerSettings: [.linkedLibrary("orc-0.4")]),
        // CRC-32C with the CPU's instruction: the disk cache's entry checksum.
        .target(name: "CChecksum"),
        // openat2 and preadv2 that fail rather than wait for the disk: disk hits on the event loop.
        .target(name: "CCachedFile"),
        // The worker processes' system calls: spawn with closefrom, descriptors over a socket,
        // sealed memfds, the parent-death signal, the seccomp filter (Debian's libseccomp-dev).
        .target(name: "CWorkerProcess", linkerSettings: [.linkedLibrary("seccomp")]),
        // Swift ownership of libvips images: decode, resize, encode. Knows nothing of HTTP.
        .target(name: "Vips", dependencies: ["CVipsShim"], swiftSettings: swiftSettings),
        // SSIMULACRA2, the perceptual metric, on 8-bit sRGB pixels; the standard library and libm only.
        // Optimised in debug builds too: its tests score images, which unoptimised SIMD code does 50 times slower.
        .target(
            name: "Perceptual",
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // Sandboxed WebAssembly filter modules: loading, validation, fuel, strips, recipes.
        // Knows nothing of HTTP or libvips: it works on bytes and pixel strips.
        .target(
            name: "Filters",
            dependencies: [.product(name: "WasmKit", package: "WasmKit")],
            swiftSettings: swiftSettings
        ),
        // The service: options, negotiation, origins, caching, pipeline, HTTP.
        .target(
            name: "ImgEdge",
            dependencies: [
                "Vips",
                "Filters",
                "Perceptual",
                "CChecksum",
                "CCachedFile",
                "CWorkerProcess",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // Compiled into the binary, so `dist/imgedge` needs no resource bundle beside it.
            resources: [.embedInCode("Resources/playground.html")],
            swiftSettings: swiftSettings
        ),
        // The `imgedge` executable: flags, environment, start-up.
        .executableTarget(
            name: "ImgEdgeCLI",
            dependencies: [
                "ImgEdge",
                "Vips",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Pixel decoding and fingerprints shared by the test targets.
        .target(
            name: "ImageTestSupport", dependencies: ["Vips", "CVipsShim"], path: "Tests/ImageTestSupport",
            swiftSettings: swiftSettings
        ),
        // Filter costs against native baselines (Benchmarks/FilterBenchmarks/main.swift).
        .executableTarget(
            name: "FilterBenchmarks",
            dependencies: ["Filters", "Vips", .product(name: "WAT", package: "WasmKit")],
            path: "Benchmarks/FilterBenchmarks",
            swiftSettings: swiftSettings
        ),
        // The access log's CPU per line (Benchmarks/AccessLogBenchmarks/main.swift).
        .executableTarget(
            name: "AccessLogBenchmarks",
            dependencies: ["ImgEdge", .product(name: "HTTPTypes", package: "swift-http-types")],
            path: "Benchmarks/AccessLogBenchmarks",
            swiftSettings: swiftSettings
        ),
        // One SSIMULACRA2 comparison at an output size (Benchmarks/SSIMBench/main.swift).
        .executableTarget(
            name: "SSIMBench",
            dependencies: ["Perceptual", "Vips"],
            path: "Benchmarks/SSIMBench",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PerceptualTests",
            dependencies: ["Perceptual", "ImageTestSupport"],
            exclude: ["Pairs"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "FiltersTests",
            dependencies: ["Filters", .product(name: "WAT", package: "WasmKit")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "VipsTests", dependencies: ["Vips", "ImageTestSupport"], swiftSettings: testSwiftSettings),
        .testTarget(
            name: "ImgEdgeTests",
            dependencies: [
                "ImgEdge",
                "Filters",
                "Vips",
                "CChecksum",
                "ImageTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: testSwiftSettings
        ),
    ]
)
