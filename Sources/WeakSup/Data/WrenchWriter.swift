import Foundation

extension WeakDataset {
    /// Writes the dataset as a WRENCH folder that `WeakDataset.load(from:)` reads back: one JSON
    /// object per split mapping each id to `{"label", "weak_labels", "data": {"feature"?, "text"?}}`,
    /// plus `label.json` (class names) and `lfs.json` (LF names and descriptions). Every file is
    /// written atomically; features are written with Float32's shortest exact decimal, so a round
    /// trip reproduces them bit for bit. Rows without a gold label get `"label": null`.
    public func writeWRENCH(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for split in Split.allCases {
            try writeAtomically(
                Data(wrenchJSON(self[split]).utf8), to: directory.appendingPathComponent("\(split.rawValue).json"))
        }
        let classes = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ("\($0.offset)", $0.element) })
        try writeAtomically(
            try JSONSerialization.data(withJSONObject: classes, options: [.sortedKeys]),
            to: directory.appendingPathComponent("label.json"))
        let lfs = lfNames.indices.map { ["id": $0, "name": lfNames[$0], "rule": lfDescriptions[$0]] as [String: Any] }
        try writeAtomically(
            try JSONSerialization.data(withJSONObject: ["lfs": lfs], options: [.sortedKeys]),
            to: directory.appendingPathComponent("lfs.json"))
    }
}

/// One split as a WRENCH JSON object.
private func wrenchJSON(_ split: DatasetSplit) -> String {
    let features = split.features?.floats
    let width = split.features?.shape[1] ?? 0
    var text = "{"
    for i in 0..<split.count {
        var data: [String] = []
        if let features {
            data.append(
                "\"feature\": [" + features[(i * width)..<((i + 1) * width)].map { "\($0)" }.joined(separator: ", ")
                    + "]")
        }
        if let texts = split.texts { data.append("\"text\": " + jsonQuoted(texts[i])) }
        let label = split.goldLabels.map { "\($0[i])" } ?? "null"
        let votes = split.labelMatrix.row(i).map(String.init).joined(separator: ", ")
        text +=
            (i == 0 ? "\n" : ",\n")
            + "\(jsonQuoted(split.ids[i])): {\"label\": \(label), \"weak_labels\": [\(votes)], \"data\": {"
            + data.joined(separator: ", ") + "}}"
    }
    return text + "\n}\n"
}

/// A JSON string literal.
private func jsonQuoted(_ text: String) -> String {
    let data =
        (try? JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])) ?? Data("[\"\"]".utf8)
    return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
}
