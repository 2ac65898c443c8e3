// swift-tools-version:6.1
import Foundation
import PackageDescription

// A path dependency is known by its folder's name, which is whatever the clone is called.
let erc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

// Benchmarks of erc, kept out of the main package so that `make test` does not build them.
// Run: cd Benchmarks && swift package benchmark   (see README.md in this folder)
let package = Package(
    name: "erc-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../"),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ReceiptsBenchmarks",
            dependencies: [
                .product(name: "ERCModules", package: erc),
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/Receipts",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]),
        .executableTarget(
            name: "CoreBenchmarks",
            dependencies: [
                .product(name: "ERCModules", package: erc),
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/Core",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]),
    ]
)
