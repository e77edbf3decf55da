// swift-tools-version:6.0
import PackageDescription

// Layers (dependencies point inwards only):
//   JutsuCore (pure domain, no I/O)  <-  JutsuVendors (pure vendor parsers)
//   JutsuCore  <-  JutsuCSV, JutsuStore, JutsuHTTP, JutsuPipeline (adapters)
//   <-  JutsuIngest (use cases)  <-  JutsuIngestCLI (entry point, product `jutsu-ingest`)
let package = Package(
    name: "jutsu-ingest",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "jutsu-ingest", targets: ["JutsuIngestCLI"]),
        .executable(name: "jutsu-replay", targets: ["JutsuReplayCLI"]),
        .library(name: "JutsuCore", targets: ["JutsuCore"]),
        .library(name: "JutsuCSV", targets: ["JutsuCSV"]),
        // The read side for backtest engines: bars, adjustment, freshness, series (docs/contract.md).
        .library(name: "JutsuMarketData", targets: ["JutsuMarketData"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Zip archives as import input (reading only: the archive's directory and each member's inflate).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // C system libraries. Each module map sits over a small header that also holds
        // `static inline` shims for what Swift cannot call (macros, variadics).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // Not `CZlib`: ZIPFoundation's own zlib module map already has that name.
        .systemLibrary(name: "CJutsuZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        .target(name: "JutsuCore"),
        .target(name: "JutsuCSV", dependencies: ["JutsuCore", "CJutsuZlib", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // The libpq connection layer (connection, results, COPY in/out, binary COPY reading),
        // shared by the store and the reader; JutsuStore re-exports it.
        .target(name: "JutsuPostgres", dependencies: ["JutsuCore", "CLibPQ"]),
        .target(name: "JutsuStore", dependencies: [
            "JutsuCore", "JutsuPostgres", "CLibPQ", .product(name: "Logging", package: "swift-log"),
        ]),
        // The reader library product: depends on the domain core and libpq only.
        .target(name: "JutsuMarketData", dependencies: ["JutsuCore", "JutsuPostgres"]),
        .target(name: "JutsuHTTP", dependencies: ["JutsuCore", "CCurl"]),
        // Test support, also usable by hand: an HTTP/1.1 server on 127.0.0.1 answering from
        // recordings, with injected faults (docs/testing.md).
        .target(name: "JutsuReplay", dependencies: ["JutsuHTTP"]),
        // Schwab OAuth2: the token file, the code exchange and refresh over JutsuHTTP, a shared
        // token provider for the Schwab source and `jutsu-ingest auth` (docs/vendors.md).
        .target(name: "JutsuAuth", dependencies: ["JutsuCore", "JutsuHTTP"]),
        .executableTarget(name: "JutsuReplayCLI", dependencies: ["JutsuReplay"]),
        // Vendor response parsers and request builders (Yahoo, Schwab, Polygon): pure, no I/O.
        .target(name: "JutsuVendors", dependencies: ["JutsuCore"]),
        // Legacy SQLite databases of the old MVP (read-only), for `migrate-sqlite`.
        .target(name: "JutsuLegacy", dependencies: ["JutsuCore", "CSQLite"]),
        // Pipeline definitions: the model, the YAML loader and linter, cron, globs.
        .target(name: "JutsuPipeline", dependencies: ["JutsuCore", .product(name: "Yams", package: "Yams")]),
        .target(name: "JutsuIngest", dependencies: [
            "JutsuCore", "JutsuCSV", "JutsuStore", "JutsuPipeline", "JutsuLegacy", "JutsuHTTP", "JutsuVendors", "JutsuAuth",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The admin HTTP API of `serve` (Hummingbird): the only target that links it.
        .target(name: "JutsuAdmin", dependencies: [
            "JutsuCore", "JutsuStore", "JutsuIngest", "JutsuPipeline", "JutsuCSV",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "JutsuIngestCLI", dependencies: [
            "JutsuCore", "JutsuCSV", "JutsuStore", "JutsuIngest", "JutsuHTTP", "JutsuPipeline", "JutsuLegacy", "JutsuMarketData",
            "JutsuAuth", "JutsuAdmin",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // A backtest that reads through JutsuMarketData only (built and run by the tests).
        .executableTarget(name: "MACrossover", dependencies: ["JutsuCore", "JutsuMarketData"], path: "Examples/MACrossover"),
        // `scripts/bench-read`: streams bars through the reader (release build).
        .executableTarget(name: "jutsu-bench-read", dependencies: ["JutsuCore", "JutsuMarketData"], path: "Benchmarks/ReadBench"),

        // Test-only helpers: a fresh database per test on the server `scripts/test` starts.
        .target(name: "JutsuTestSupport", dependencies: ["JutsuStore"], path: "Tests/JutsuTestSupport"),
        .testTarget(name: "JutsuCoreTests", dependencies: ["JutsuCore"]),
        .testTarget(name: "JutsuCSVTests", dependencies: ["JutsuCore", "JutsuCSV"]),
        .testTarget(name: "JutsuVendorsTests", dependencies: ["JutsuCore", "JutsuVendors", "JutsuCSV"]),
        .testTarget(name: "JutsuHTTPTests", dependencies: ["JutsuCore", "JutsuHTTP", "JutsuReplay", "JutsuVendors"]),
        // AuthCommandTests run the `jutsu-ingest` binary built next to the test bundle.
        .testTarget(name: "JutsuAuthTests", dependencies: ["JutsuAuth", "JutsuHTTP", "JutsuReplay"]),
        .testTarget(name: "JutsuLegacyTests", dependencies: ["JutsuCore", "JutsuLegacy"]),
        .testTarget(name: "JutsuPipelineTests", dependencies: ["JutsuCore", "JutsuCSV", "JutsuPipeline"]),
        .testTarget(name: "JutsuStoreTests", dependencies: ["JutsuCore", "JutsuStore", "JutsuTestSupport"]),
        .testTarget(name: "JutsuMarketDataTests", dependencies: ["JutsuCore", "JutsuMarketData", "JutsuStore", "JutsuVendors", "JutsuTestSupport"]),
        // The admin API against a real server on a free port and a real database.
        .testTarget(name: "JutsuAdminTests", dependencies: [
            "JutsuCore", "JutsuStore", "JutsuIngest", "JutsuPipeline", "JutsuAdmin", "JutsuHTTP", "JutsuTestSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "JutsuIngestTests", dependencies: [
            "JutsuCore", "JutsuCSV", "JutsuStore", "JutsuIngest", "JutsuHTTP", "JutsuPipeline", "JutsuLegacy", "JutsuTestSupport",
            "JutsuReplay", "JutsuVendors", .product(name: "Yams", package: "Yams"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
