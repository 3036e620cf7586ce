import Foundation

extension WeakDataset {
    /// Writes the dataset as a WRENCH folder that `WeakDataset.load(from:)` reads back: one JSON
    /// object per split mapping each id to `{"label", "weak_labels", "data": {"feature"?, "text"?}}`,
    /// plus `label.json` (class names) and `lfs.json` (LF names and descriptions). Every file is
    /// written atomically; features are written with Float32's shortest exact decimal, so a round
    /// trip reproduces them bit for bit. Rows without a gold label get `"label": null`.
    /// `lfDetails[j]`, when given, adds keys to LF `j`'s entry in `lfs.json` (e.g. the rule as written).
    public func writeWRENCH(to directory: URL, lfDetails: [[String: Any]]? = nil) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for split in Split.allCases {
            try writeAtomically(toPath: directory.appendingPathComponent("\(split.rawValue).json").path) { write in
                try writeWrenchJSON(self[split], write)
            }
        }
        let classes = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ("\($0.offset)", $0.element) })
        try writeAtomically(
            try JSONSerialization.data(withJSONObject: classes, options: [.sortedKeys]),
            to: directory.appendingPathComponent("label.json"))
        let lfs = lfNames.indices.map { j in
            (lfDetails?[j] ?? [:]).merging(["id": j, "name": lfNames[j], "rule": lfDescriptions[j]]) { _, own in own }
        }
        try writeAtomically(
            try JSONSerialization.data(withJSONObject: ["lfs": lfs], options: [.sortedKeys]),
            to: directory.appendingPathComponent("lfs.json"))
    }
}

/// Streams one split as a WRENCH JSON object to `write` in pieces of about 1 MB (zero features
/// as `0`, the others as Float32's shortest round-trip decimal).
private func writeWrenchJSON(_ split: DatasetSplit, _ write: (UnsafeRawBufferPointer) throws -> Void) throws {
    let features = split.features?.floats
    let width = split.features?.shape[1] ?? 0
    var bytes: [UInt8] = []
    bytes.reserveCapacity(1 << 21)
    func append(_ text: String) { bytes.append(contentsOf: text.utf8) }
    func appendList<S: Sequence>(_ items: S) where S.Element: BinaryInteger {
        var first = true
        for item in items {
            if !first { append(", ") }
            append(String(item))
            first = false
        }
    }
    append("{")
    for i in 0..<split.count {
        append(i == 0 ? "\n" : ",\n")
        append(jsonQuoted(split.ids[i]))
        append(": {\"label\": " + (split.goldLabels.map { String($0[i]) } ?? "null") + ", \"weak_labels\": [")
        appendList(split.labelMatrix.row(i))
        append("], \"data\": {")
        var separator = ""
        if let features {
            append("\"feature\": [")
            for k in 0..<width {
                if k > 0 { append(", ") }
                let value = features[i * width + k]
                if value == 0 && value.sign == .plus {
                    bytes.append(UInt8(ascii: "0"))
                } else {
                    append(value.description)
                }
            }
            append("]")
            separator = ", "
        }
        if let texts = split.texts {
            append(separator + "\"text\": " + jsonQuoted(texts[i]))
            separator = ", "
        }
        if let tokens = split.tokens {
            append(separator + "\"tokens\": [")
            appendList(tokens[i])
            append("]")
        }
        append("}}")
        if bytes.count >= 1 << 20 {
            try bytes.withUnsafeBytes { try write($0) }
            bytes.removeAll(keepingCapacity: true)
        }
    }
    append("\n}\n")
    try bytes.withUnsafeBytes { try write($0) }
}

extension WeakDataset {
    /// Writes the dataset as a WRENCH folder at `path` so that the folder is either absent/the old
    /// one or the complete new one: everything is written into a hidden sibling folder first, then
    /// renamed into place. An existing folder is replaced only when it is a dataset folder (it
    /// holds `train.json`) — anything else at `path` is refused, never deleted.
    public func writeWRENCHFolder(atPath path: String, lfDetails: [[String: Any]]? = nil) throws {
        let fileManager = FileManager.default
        let target = URL(fileURLWithPath: path).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard !path.isEmpty, target.lastPathComponent != "/" else {
            throw DataError(file: path, "is not a folder name")
        }
        guard fileManager.fileExists(atPath: parent.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataError(file: path, "cannot be written: the folder \(parent.path) does not exist")
        }
        let exists = fileManager.fileExists(atPath: target.path, isDirectory: &isDirectory)
        if exists {
            let entries =
                isDirectory.boolValue ? (try? fileManager.contentsOfDirectory(atPath: target.path)) ?? [] : nil
            guard let entries, entries.isEmpty || entries.contains("train.json") else {
                throw DataError(
                    file: path,
                    "exists and is not a dataset folder (no train.json); choose a new folder or remove it")
            }
        }
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).writing-\(getpid())")
        let retired = parent.appendingPathComponent(".\(target.lastPathComponent).replaced-\(getpid())")
        try? fileManager.removeItem(at: staging)
        do {
            try writeWRENCH(to: staging, lfDetails: lfDetails)
            if exists { try fileManager.moveItem(at: target, to: retired) }
            do { try fileManager.moveItem(at: staging, to: target) } catch {
                if exists { try? fileManager.moveItem(at: retired, to: target) }
                throw error
            }
            if exists { try? fileManager.removeItem(at: retired) }
        } catch let error as DataError {
            try? fileManager.removeItem(at: staging)
            throw error
        } catch {
            try? fileManager.removeItem(at: staging)
            throw DataError(file: path, "cannot be written (\(error.localizedDescription))")
        }
    }
}
