// swift-tools-version:6.0
import Foundation
import PackageDescription

/// The engine's debug build, which the tests run, is optimised (`-O`, testable all the same):
/// the suite takes about a quarter of the time, which pays for the longer build several times
/// over. Not for the libFuzzer build (fuzz/run.sh sets DISPARITY_FUZZ), which keeps its checks.
let debugOptimization: [SwiftSetting] = ProcessInfo.processInfo.environment["DISPARITY_FUZZ"] == nil
    ? [.unsafeFlags(["-O"], .when(configuration: .debug))] : []

let package = Package(
    name: "disparity",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "StatsEngine", targets: ["StatsEngine"]),
        .executable(name: "disparity", targets: ["disparity"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CLapack", path: "Sources/CLapack"),
        .systemLibrary(name: "CXLSXWriter", path: "Sources/CXLSXWriter"),
        .systemLibrary(name: "CReadStat", path: "Sources/CReadStat"),
        .systemLibrary(name: "CVectorMath", path: "Sources/CVectorMath"),
        .systemLibrary(name: "CProcessorFeatures", path: "Sources/CProcessorFeatures"),
        // The cross-product kernel of X'ΩX, optimised in every build (it picks AVX2 at run time).
        .target(name: "CCrossProducts", path: "Sources/CCrossProducts", cSettings: [.unsafeFlags(["-O2"])]),
        .target(
            name: "StatsEngine",
            dependencies: [
                "CLapack", "CXLSXWriter", "CReadStat", "CVectorMath", "CProcessorFeatures", "CCrossProducts", .product(name: "Yams", package: "Yams"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))] + debugOptimization,
            // glibc's vector math library, for `CVectorMath` (elsewhere its header falls back to libm).
            linkerSettings: [.linkedLibrary("mvec", .when(platforms: [.linux]))]
        ),
        .executableTarget(
            name: "disparity",
            dependencies: [
                "StatsEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // What the fuzz targets check of an input, which the tests also run on every kept input.
        .target(name: "FuzzChecks", dependencies: ["StatsEngine"], path: "fuzz/targets/FuzzChecks"),
        .testTarget(
            name: "StatsEngineTests",
            dependencies: ["StatsEngine", "CVectorMath", "CCrossProducts", "FuzzChecks", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")]
        ),
    ]
)

// The libFuzzer targets (fuzz/run.sh): only when DISPARITY_FUZZ is set, since they link only with
// `-sanitize=fuzzer` (they call libFuzzer's driver).
if ProcessInfo.processInfo.environment["DISPARITY_FUZZ"] != nil {
    package.targets.append(.target(name: "FuzzSupport", path: "fuzz/targets/FuzzSupport"))
    for name in ["CSVReaderFuzz", "FormulaFuzz", "SpecFuzz"] {
        package.targets.append(.executableTarget(name: name, dependencies: ["FuzzChecks", "FuzzSupport"], path: "fuzz/targets/\(name)"))
    }
}
