// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0335-existential-any.md
    .enableUpcomingFeature("ExistentialAny"),
    // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0444-member-import-visibility.md
    .enableUpcomingFeature("MemberImportVisibility"),
    // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0409-access-level-on-imports.md
    .enableUpcomingFeature("InternalImportsByDefault"),
    // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0461-async-function-isolation.md
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0480-swiftpm-warning-control.md
    // The project's own code builds without a warning, and stays so: a warning fails the build.
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "erc",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "erc", targets: ["erc"]),
        // The benchmarks that need a whole database or child processes (they run erc beside them).
        .executable(name: "erc-bench", targets: ["erc-bench"]),
        // Libraries for the benchmarks package in Benchmarks/.
        .library(name: "ERCModules", targets: ["Core", "Storage", "Principals", "Billing", "Receipts"]),
        .library(name: "ERCTestSupport", targets: ["ERCTestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // The HTTP service: Hummingbird without its swift-configuration and full-Foundation traits.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C system libraries: each one is imported by exactly one Swift module.
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
        .systemLibrary(
            name: "CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        .systemLibrary(
            name: "CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]),
        .systemLibrary(
            name: "CQREncode", pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"]), .brew(["qrencode"])]),
        // libhpdf 2.3.0 on Debian ships no .pc file: the module map links hpdf.
        .systemLibrary(name: "CHaru", providers: [.apt(["libhpdf-dev"]), .brew(["libharu"])]),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]),

        // Layers, following the arrows in ARCHITECTURE.md.
        // Blocking work in parallel: a task group on threads of its own, bounded channels.
        .target(name: "Batches"),
        .target(name: "Core"),
        .target(name: "Storage", dependencies: ["Core", "CSQLite", "CLibPQ"]),
        .target(
            name: "Principals",
            dependencies: ["Core", "Storage", "Batches", "CLibXML2", .product(name: "Logging", package: "swift-log")],
            // Schemas/ at the top of the repository, linked in and compiled into the binary.
            resources: [
                "common", "principal", "accounts", "meters", "tariffs", "charges",
                "readings", "payments", "agent-report", "debtors", "import-report", "center", "rates", "gis-ids",
            ].map { .embedInCode("Schemas/\($0)-1.xsd") }),
        .target(
            name: "Billing",
            dependencies: [
                "Core", "Storage", "Principals", "Batches", .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "Receipts", dependencies: ["Core", "Storage", "Billing", "Batches", "CHaru", "CQREncode"],
            // DejaVu Sans cut to the ЕПД's characters, composites decomposed (scripts/make-fonts.py).
            exclude: ["Fonts/LICENSE-DejaVu.txt"],
            resources: [.embedInCode("Fonts/ERCSans.ttf"), .embedInCode("Fonts/ERCSans-Bold.ttf")]),
        .target(name: "Intake", dependencies: ["Core", "Storage", "Principals", "Billing"]),
        // The generated demo region (and the big principal of the import benchmark): exchange
        // files written with the principals' writers, for `erc demo`, tests and benchmarks.
        .target(name: "Demo", dependencies: ["Core", "Principals"]),
        .target(name: "Contact", dependencies: ["Core", "Storage"]),
        // Outside parties behind small protocols: SMTP through libcurl (ЕПД by e-mail).
        .target(name: "Gateways", dependencies: ["Core", "CCurl"]),
        .target(
            name: "API",
            dependencies: [
                "Core", "Storage", "Principals", "Receipts", "Intake", "Contact",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The OpenAPI document in Docs/, linked in and served at /openapi.json.
            resources: [.embedInCode("Docs/openapi.json")]),
        // What both executables share: progress lines, the center's calendar, logging set-up, and
        // the domain's values as command-line arguments.
        .target(
            name: "CommandLineSupport",
            dependencies: [
                "Core", "Storage", "Principals", "Billing", "Receipts", "Intake", "API",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "erc",
            dependencies: [
                "Core", "Storage", "Principals", "Billing", "Receipts", "Intake", "Contact", "API", "Demo",
                "CommandLineSupport", "Gateways",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "erc-bench",
            dependencies: [
                "Core", "Storage", "Principals", "Billing", "Receipts", "Intake", "API", "Demo", "CommandLineSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Test support, shipped as libraries that only tests and benchmarks use.
        .target(name: "StorageConformance", dependencies: ["Core", "Storage"]),
        .target(name: "ERCTestSupport", dependencies: ["Core", "Storage"]),
        .target(
            name: "ExchangeConformance",
            dependencies: [
                "Core", "Storage", "Principals", "Billing", "Intake", "Demo", "Batches", "ERCTestSupport",
            ]),

        .target(
            name: "APIConformance",
            dependencies: [
                "API", "Core", "Storage", "Billing", "Intake", "ExchangeConformance", "ERCTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),

        .testTarget(name: "BatchesTests", dependencies: ["Batches"]),
        .testTarget(name: "CoreTests", dependencies: ["Core"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "StorageConformance", "ERCTestSupport"]),
        .testTarget(
            name: "PostgresTests",
            dependencies: [
                "Storage", "Principals", "Billing", "StorageConformance", "ExchangeConformance", "APIConformance",
                "ERCTestSupport",
            ]),
        .testTarget(
            name: "PrincipalsTests",
            dependencies: [
                "Principals", "Core", "Storage", "Billing", "Intake", "ExchangeConformance", "ERCTestSupport",
            ]),
        .testTarget(name: "DemoTests", dependencies: ["Demo", "Core", "Principals", "ERCTestSupport"]),
        .testTarget(name: "BillingTests", dependencies: ["Billing", "Core", "Storage"]),
        .testTarget(name: "APITests", dependencies: ["API", "APIConformance", "Core", "Storage", "ERCTestSupport"]),
        .testTarget(
            name: "IntakeTests",
            dependencies: ["Intake", "Billing", "Core", "Storage", "ExchangeConformance", "ERCTestSupport"]),
        .testTarget(name: "ReceiptsTests", dependencies: ["Receipts", "Core", "Demo", "ERCTestSupport"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "erc", "erc-bench", "Core", "Demo", "Storage", "Intake", "CommandLineSupport", "ERCTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: swiftSettings)
    target.swiftSettings = settings
}
