// swift-tools-version:6.1
// Benchmarks for jutsu-ingest, kept out of the main package so its build stays fast.
// Run: `cd Benchmarks && swift package benchmark` (first run ~90 s).
import PackageDescription

let package = Package(
    name: "jutsu-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(name: "jutsu-ingest", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "CSVReader",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "JutsuCore", package: "jutsu-ingest"),
                .product(name: "JutsuCSV", package: "jutsu-ingest"),
            ],
            path: "Benchmarks/CSVReader",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        )
    ],
    swiftLanguageModes: [.v6]
)
