import Autodiff
import Foundation
import WeakSup

/// The seeded synthetic dataset `weasel bench scale` times the commands on: `rows` training rows
/// (and a hundredth of that, at least 500 and at most 10,000, for each of valid and test) of
/// Gaussian class-conditional features and conditionally independent LFs whose accuracies run
/// from 0.55 to 0.9 and propensities from 0.05 to 0.5 across the LFs. Written in chunks, so writing
/// a million rows needs little memory; features are printed as shortest round-trip Float32 decimals.
struct ScaleDataset {
    enum Format: String, CaseIterable, ArgumentValue { case csv, wrench }

    var rows: Int
    var features: Int
    var lfs: Int
    var classes = 2
    var seed: UInt64 = 0

    var evaluationRows: Int { min(10_000, max(500, rows / 100)) }

    var generator: SyntheticWeakSupervision {
        let spread = { (j: Int) in self.lfs > 1 ? Double(j) / Double(self.lfs - 1) : 0.5 }
        // Propensities interleaved (a stride coprime to M permutes the LFs) so that accuracy and
        // propensity are not tied to each other.
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let interleave = (7...).first { gcd($0, lfs) == 1 }!
        return SyntheticWeakSupervision(
            classBalance: Array(repeating: 1 / Double(classes), count: classes),
            accuracies: (0..<lfs).map { 0.55 + 0.35 * spread($0) },
            propensities: (0..<lfs).map { 0.05 + 0.45 * spread(($0 * interleave) % lfs) }, featureCount: features,
            separation: 1.0)
    }

    /// Writes `train`, `valid` and `test` files (CSV with `id,label,f…,lf_…` columns, or WRENCH JSON)
    /// and `label.json` into `directory`; returns the bytes written. Each file is written under a
    /// temporary name and renamed when complete, so an interrupted run leaves no partial split.
    @discardableResult
    func write(to directory: URL, format: Format) throws -> Int {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let classNames = Dictionary(uniqueKeysWithValues: (0..<classes).map { ("\($0)", "class\($0)") })
        try JSONSerialization.data(withJSONObject: classNames, options: [.sortedKeys])
            .write(to: directory.appendingPathComponent("label.json"))
        var random = SeededGenerator(seed: seed)
        let model = generator
        var firstID = 0
        var total = 0
        for (split, count) in [("train", rows), ("valid", evaluationRows), ("test", evaluationRows)] {
            let url = directory.appendingPathComponent("\(split).\(format == .csv ? "csv" : "json")")
            let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp")
            FileManager.default.createFile(atPath: temporary.path, contents: nil)
            let handle = try FileHandle(forWritingTo: temporary)
            var text = format == .csv ? header : "{"
            var written = 0
            while written < count {
                let chunk = model.makeSplit(count: min(10_000, count - written), using: &random)
                append(chunk, firstID: firstID + written, first: written == 0, format: format, to: &text)
                written += chunk.count
                let bytes = Data(text.utf8)
                try handle.write(contentsOf: bytes)
                total += bytes.count
                text = ""
            }
            if format == .wrench {
                try handle.write(contentsOf: Data("}\n".utf8))
                total += 2
            }
            try handle.close()
            guard rename(temporary.path, url.path) == 0 else {
                throw CLIError.output("cannot rename \(temporary.path) to \(url.path) (errno \(errno))")
            }
            firstID += count
        }
        return total
    }

    private var header: String {
        (["id", "label"] + (0..<features).map { "f\($0)" } + (0..<lfs).map { "lf_\($0)" })
            .joined(separator: ",") + "\n"
    }

    private func append(_ chunk: DatasetSplit, firstID: Int, first: Bool, format: Format, to text: inout String) {
        let values = chunk.features!.floats
        let d = features
        for i in 0..<chunk.count {
            let label = chunk.goldLabels![i]
            let row = values[(i * d)..<((i + 1) * d)].map { "\($0)" }
            let votes = chunk.labelMatrix.row(i).map { "\($0)" }
            switch format {
            case .csv:
                text += "\(firstID + i),\(label),\(row.joined(separator: ",")),\(votes.joined(separator: ","))\n"
            case .wrench:
                if !(first && i == 0) { text += ",\n" }
                text +=
                    "\"\(firstID + i)\": {\"label\": \(label), \"weak_labels\": [\(votes.joined(separator: ", "))], "
                text += "\"data\": {\"feature\": [\(row.joined(separator: ", "))]}}"
            }
        }
    }
}
