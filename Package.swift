// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "LeadDeck",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "leaddeck", targets: ["leaddeck"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        // The HTTP server of `leaddeck serve`; its optional traits (swift-configuration, full Foundation) are off.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
    ],
    targets: [
        .target(name: "LeadDeckCore", dependencies: ["CByteScan"]),
        .target(name: "CByteScan"),
        // CRC-32 by carry-less multiplication (x86-64), for the checksum on every event-log record.
        .target(name: "CCRC32"),
        .target(name: "LeadDeckStore", dependencies: ["LeadDeckCore", "CCRC32", "CByteScan"]),
        .target(name: "LeadDeckEngine", dependencies: ["LeadDeckCore", "LeadDeckStore"]),
        .target(
            name: "LeadDeckServer",
            dependencies: [
                "LeadDeckCore",
                "LeadDeckStore",
                "LeadDeckEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "LeadDeckTUI",
            dependencies: [
                "LeadDeckCore",
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .systemLibrary(name: "CNcursesw"),
        .executableTarget(
            name: "leaddeck",
            dependencies: [
                "LeadDeckCore",
                "LeadDeckStore",
                "LeadDeckEngine",
                "LeadDeckTUI",
                "LeadDeckServer",
                "CNcursesw",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "leaddeck-bench",
            dependencies: ["LeadDeckCore", "LeadDeckStore", "LeadDeckEngine", "LeadDeckTUI"]
        ),
        .executableTarget(
            name: "leaddeck-hello",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test folders under one folder per test process, removed at its exit.
        .target(name: "LeadDeckTestSupport", path: "Tests/LeadDeckTestSupport"),
        .testTarget(name: "LeadDeckCoreTests", dependencies: ["LeadDeckCore"]),
        .testTarget(name: "LeadDeckStoreTests", dependencies: ["LeadDeckStore", "LeadDeckCore", "LeadDeckTestSupport"]),
        .testTarget(name: "LeadDeckEngineTests", dependencies: ["LeadDeckEngine", "LeadDeckStore", "LeadDeckCore", "LeadDeckTestSupport"]),
        .testTarget(name: "LeadDeckTUITests", dependencies: ["LeadDeckTUI", "LeadDeckCore"], exclude: ["Snapshots"]),
        .testTarget(name: "LeadDeckServerTests", dependencies: ["LeadDeckServer", "LeadDeckEngine", "LeadDeckStore", "LeadDeckCore", "LeadDeckTestSupport"]),
        .testTarget(name: "LeadDeckEndToEndTests", dependencies: ["leaddeck", "LeadDeckServer", "LeadDeckTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
