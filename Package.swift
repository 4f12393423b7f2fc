// swift-tools-version:6.0
import PackageDescription

/// Engine kernels rely on AVX2/FMA on x86_64; without it SIMD fused multiply-adds become scalar calls.
#if arch(x86_64)
let optimisation: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
let cOptimisation: [CSetting] = [.unsafeFlags(["-mavx2", "-mfma"])]
#else
let optimisation: [SwiftSetting] = []
let cOptimisation: [CSetting] = []
#endif

let package = Package(
    name: "ImageGen",
    products: [
        .library(name: "ImageGen", targets: ["Engine", "NN", "Data", "Imaging", "Models", "Experiments", "Studio"]),
        .executable(name: "imagegen", targets: ["ImageGenCLI"]),
        .executable(name: "imagegen-bench", targets: ["Benchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CFreeType", path: "Sources/CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .systemLibrary(name: "CArchive", path: "Sources/CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .target(name: "Engine", dependencies: ["CBLAS", "CMalloc"], swiftSettings: optimisation),
        .target(name: "NN", dependencies: ["Engine"], swiftSettings: optimisation),
        .target(name: "Data", dependencies: ["Engine", "CZlib", "CArchive", "Imaging"], swiftSettings: optimisation),
        .target(name: "Imaging", dependencies: ["Engine", "CPNG", "CTurboJPEG", "CFreeType"], swiftSettings: optimisation),
        .target(name: "Models", dependencies: ["Engine", "NN"], swiftSettings: optimisation),
        .target(name: "Experiments", dependencies: ["Engine", "NN", "Data", "Imaging", "Models"], swiftSettings: optimisation),
        // The studio: `imagegen serve`'s HTTP API and web page, the top floor beside the CLI.
        .target(name: "Studio", dependencies: ["Engine", "Data", "Imaging", "Models", "Experiments",
                                               .product(name: "Hummingbird", package: "hummingbird"),
                                               .product(name: "HTTPTypes", package: "swift-http-types"),
                                               .product(name: "Logging", package: "swift-log")],
                resources: [.copy("Resources/openapi.json"), .copy("Resources/page")], swiftSettings: optimisation),
        .executableTarget(
            name: "ImageGenCLI",
            dependencies: ["Experiments", "Studio", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: optimisation),
        .executableTarget(name: "Benchmarks", dependencies: ["Engine", "NN", "Models", "Data", "Experiments"], swiftSettings: optimisation),
        // Test helpers shared by every test target: gradient checks, value comparisons, random inputs,
        // temporary directories and the fuzz corpora.
        .target(name: "TestSupport", dependencies: ["Engine"], path: "Tests/TestSupport"),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "TestSupport"]),
        .testTarget(name: "NNTests", dependencies: ["Engine", "NN", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ImagingTests", dependencies: ["Engine", "Imaging", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "DataTests", dependencies: ["Engine", "Imaging", "Data", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ModelsTests", dependencies: ["Engine", "NN", "Models"]),
        .testTarget(name: "StudioTests",
                    dependencies: ["Engine", "Imaging", "Experiments", "Studio", "TestSupport",
                                   .product(name: "HummingbirdTesting", package: "hummingbird")]),
        .testTarget(name: "ExperimentsTests",
                    dependencies: ["Engine", "NN", "Data", "Imaging", "Models", "Experiments", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
