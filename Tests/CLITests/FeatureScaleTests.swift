import Foundation
import Influence
import TestSupport
import Testing

@testable import CLI
@testable import WeakSup

/// A copy of the toy dataset with every feature multiplied by `factor`.
private func scaledToyDataset(_ factor: Double) throws -> (directory: URL, data: URL) {
    let directory = try temporaryDataset()
    let toy = directory.appendingPathComponent("toy")
    var dataset = try WeakDataset.load(from: toy)
    for split in WeakDataset.Split.allCases {
        let features = dataset[split].features!
        dataset[split].features = Tensor(
            shape: features.shape, scalars: features.scalars.map { $0 * factor }, dtype: .float32)
    }
    let scaled = directory.appendingPathComponent("scaled")
    try dataset.writeWRENCH(to: scaled)
    return (directory, scaled)
}

@Suite("Features at any scale")
struct FeatureScaleTests {
    @Test(
        "features at |x| ~ 1e30 are warned about; --standardize trains on them as on unit-scale ones, and predict applies it"
    )
    func standardize() throws {
        let (directory, scaled) = try scaledToyDataset(1e30)
        defer { try? FileManager.default.removeItem(at: directory) }
        let toy = directory.appendingPathComponent("toy")
        let huge = try WeakDataset.load(from: scaled)
        #expect(featureScaleWarning(huge, .defaultMLP)?.contains("reaches |x| = ") == true)
        #expect(featureScaleWarning(huge, .mlp(standardize: true)) == nil)
        #expect(featureScaleWarning(try WeakDataset.load(from: toy), .defaultMLP) == nil)

        func trainedModel(_ data: URL, _ name: String, _ extra: [String], method: String = "majority") throws -> String
        {
            let out = directory.appendingPathComponent(name).path
            _ = try weasel(
                [
                    "train", "--data", data.path, "--method", method, "--no-tune", "--quiet", "--epochs", "30", "--out",
                    out,
                ]
                    + extra)
            return out
        }
        let unit = try trainedModel(toy, "unit.json", ["--standardize"])
        let large = try trainedModel(scaled, "large.json", ["--standardize"])
        let plain = try trainedModel(scaled, "plain.json", [])
        let auc = { (path: String) in try TrainedModelFile.load(from: URL(fileURLWithPath: path)).test!.auc! }
        // Standardized, the scale is gone: the same model (within Float32 rounding) on either data.
        #expect(abs(try auc(unit) - auc(large)) < 1e-3)
        #expect(try auc(large) > auc(plain) + 0.1, "without --standardize the 1e30 features should not train")
        let probabilities = { (model: String, data: URL) in
            try TrainedModelFile.load(from: URL(fileURLWithPath: model)).predictProbabilities(
                WeakDataset.load(from: data), split: .test, path: model
            ).scalars
        }
        #expect(maxRelativeError(try probabilities(unit, toy), try probabilities(large, scaled), floor: 1) < 1e-4)
        // WeaSEL's encoder reads the features too, and standardizes them inside itself.
        let weaselUnit = try trainedModel(toy, "weasel-unit.json", ["--standardize"], method: "weasel")
        let weaselLarge = try trainedModel(scaled, "weasel-large.json", ["--standardize"], method: "weasel")
        #expect(
            maxRelativeError(try probabilities(weaselUnit, toy), try probabilities(weaselLarge, scaled), floor: 1)
                < 1e-3)
        // Influence reads the statistics from the model file too: finite scores on the raw 1e30 data.
        let scores = try jsonObject(
            try weasel(["influence", "--model", large, "--data", scaled.path, "--damping", "1", "--quiet", "--json"]))
        #expect(scores["lfs"] != nil)
        #expect(
            failure(["train", "--data", toy.path, "--model", "lstm", "--standardize"]).contains(
                "--standardize scales the MLP's features"))
    }
}
