// swift-tools-version: 6.0
import PackageDescription

// A program to copy when writing labeling functions in Swift. It is its own package so that the
// main package stays lean; it uses the library through a path dependency.
let package = Package(
    name: "weasel-examples",
    dependencies: [.package(name: "weasel", path: "..")],
    targets: [
        .executableTarget(
            name: "LabelingFunctions",
            dependencies: [
                .product(name: "WeakSup", package: "weasel"), .product(name: "Influence", package: "weasel"),
            ]
        )
    ]
)
