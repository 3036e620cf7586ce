// swift-tools-version: 6.0
import PackageDescription

// Dependencies point one way: CBLAS → Autodiff → NN → WeakSup → Influence → Report → CLI.
let package = Package(
    name: "weasel",
    products: [
        .library(name: "Autodiff", targets: ["Autodiff"]),
        .library(name: "NN", targets: ["NN"]),
        .library(name: "WeakSup", targets: ["WeakSup"]),
        .library(name: "Influence", targets: ["Influence"]),
        .library(name: "Report", targets: ["Report"]),
        .executable(name: "weasel", targets: ["CLI"]),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            path: "Sources/CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "Autodiff", dependencies: ["CBLAS"]),
        .target(name: "NN", dependencies: ["Autodiff"]),
        .target(name: "WeakSup", dependencies: ["NN", "Autodiff"]),
        .target(name: "Influence", dependencies: ["WeakSup", "NN", "Autodiff"]),
        .target(name: "Report", dependencies: ["Influence", "WeakSup", "NN", "Autodiff"]),
        .executableTarget(
            name: "CLI",
            dependencies: ["Report", "Influence", "WeakSup", "NN", "Autodiff"]
        ),
        .target(name: "TestSupport", dependencies: ["Autodiff", "NN"], path: "Tests/TestSupport"),
        .testTarget(name: "AutodiffTests", dependencies: ["Autodiff", "TestSupport"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "Autodiff", "TestSupport"]),
        .testTarget(
            name: "WeakSupTests", dependencies: ["WeakSup", "NN", "Autodiff", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "InfluenceTests", dependencies: ["Influence", "WeakSup", "NN", "Autodiff", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["CLI", "Report", "Influence", "TestSupport"]),
    ]
)
