// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "o365kit",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "o365kit", targets: ["o365kit"]),
        .library(name: "O365KitCore", targets: ["O365KitCore"]),
        .library(name: "O365KitReview", targets: ["O365KitReview"]),
        .library(name: "O365KitDeploy", targets: ["O365KitDeploy"]),
        .library(name: "WazuhRuleEngine", targets: ["WazuhRuleEngine"]),
        .executable(name: "o365-collector", targets: ["o365-collector"]),
        .executable(name: "o365-api-emulator", targets: ["o365-api-emulator"]),
        .library(name: "CollectorCore", targets: ["CollectorCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "O365KitCore",
            dependencies: [
                "CLibXML2",
                "CZlib",
                "WazuhRuleEngine",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        /// `o365kit test` and `o365kit diff`, over the generator's public API.
        .target(
            name: "O365KitReview",
            dependencies: ["O365KitCore", "WazuhRuleEngine", "WazuhServerAPI", .product(name: "Yams", package: "Yams")]
        ),
        /// `o365kit deploy`, over the generator's and review's public API.
        .target(
            name: "O365KitDeploy",
            dependencies: ["O365KitCore", "O365KitReview", "WazuhServerAPI", "WazuhRuleEngine",
                           .product(name: "Crypto", package: "swift-crypto")]
        ),
        /// A client of Wazuh's server API (the manager's REST API on port 55000).
        .target(
            name: "WazuhServerAPI",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .executableTarget(
            name: "o365kit",
            dependencies: [
                "O365KitCore",
                "O365KitReview",
                "O365KitDeploy",
                "WazuhServerAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "o365kit-bench",
            dependencies: ["O365KitCore"],
            path: "Benchmarks/GeneratorBenchmark"
        ),
        /// Runs Wazuh's own engine (built from ../shared/wazuh-engine) for the tests: the judge.
        .target(
            name: "RealWazuhEngine",
            dependencies: ["O365KitCore", "O365KitReview"]
        ),
        .testTarget(
            name: "O365KitCoreTests",
            dependencies: ["O365KitCore", "O365KitReview", "RealWazuhEngine"]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["o365kit", "o365-collector", "RealWazuhEngine"]
        ),
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        .target(
            name: "WazuhRuleEngine",
            dependencies: ["CLibXML2", "CPCRE2"]
        ),
        .executableTarget(
            name: "wazuh-engine-bench",
            dependencies: ["WazuhRuleEngine"]
        ),
        .testTarget(
            name: "DeployTests",
            dependencies: [
                "O365KitCore",
                "O365KitReview",
                "O365KitDeploy",
                "WazuhServerAPI",
                "RealWazuhEngine",
                "o365kit",
                "o365-collector",
                "CollectorTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "WazuhRuleEngineTests",
            dependencies: ["WazuhRuleEngine"]
        ),

        // MARK: o365-collector (docs/collector.md)
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(
            name: "CollectorCore",
            dependencies: [
                "CSQLite",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .executableTarget(
            name: "o365-collector",
            dependencies: [
                "CollectorCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// The Management Activity API emulator used by the tests and the benchmark.
        .target(
            name: "CollectorTestSupport",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// The Id index alone at 160 M Ids (Benchmarks/collector-index.sh).
        .executableTarget(
            name: "collector-index-bench",
            dependencies: ["CollectorCore"],
            path: "Benchmarks/CollectorIndexBenchmark"
        ),
        .executableTarget(
            name: "o365-api-emulator",
            dependencies: [
                "CollectorTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "CollectorCoreTests",
            dependencies: [
                "CollectorCore",
                "CollectorTestSupport",
                "o365-collector",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
    ]
)
