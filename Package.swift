// swift-tools-version:6.0
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
    ],
    targets: [
        .target(
            name: "LeadDeckCore",
            dependencies: [
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        .target(name: "LeadDeckStore", dependencies: ["LeadDeckCore"]),
        .target(name: "LeadDeckEngine", dependencies: ["LeadDeckCore", "LeadDeckStore"]),
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
                "CNcursesw",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "leaddeck-bench",
            dependencies: ["LeadDeckCore", "LeadDeckStore", "LeadDeckEngine", "LeadDeckTUI"]
        ),
        .testTarget(name: "LeadDeckCoreTests", dependencies: ["LeadDeckCore"]),
        .testTarget(name: "LeadDeckStoreTests", dependencies: ["LeadDeckStore", "LeadDeckCore"]),
        .testTarget(name: "LeadDeckEngineTests", dependencies: ["LeadDeckEngine", "LeadDeckStore", "LeadDeckCore"]),
        .testTarget(name: "LeadDeckTUITests", dependencies: ["LeadDeckTUI", "LeadDeckCore"], exclude: ["Snapshots"]),
        .testTarget(name: "LeadDeckEndToEndTests", dependencies: ["leaddeck"]),
    ],
    swiftLanguageModes: [.v6]
)
