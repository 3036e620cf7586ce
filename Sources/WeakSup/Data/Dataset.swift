import Autodiff

/// One split (train, valid or test) of a weak-supervision dataset.
public struct DatasetSplit {
    /// Record ids (WRENCH keys or CSV row numbers), in row order.
    public var ids: [String]
    /// Features `[N, d]` (Float32, the training default; convert with `.converted(to: .float64)`), if any.
    public var features: Tensor?
    /// Token ids per record (0 = padding, 1 = unknown for text tokenized by the loader), if any.
    public var tokens: [[Int]]?
    /// The raw text per record, if the data had `data.text`.
    public var texts: [String]?
    public var labelMatrix: LabelMatrix
    /// Gold labels, when every record has one.
    public var goldLabels: [Int]?

    public init(
        ids: [String], features: Tensor?, tokens: [[Int]]? = nil, texts: [String]? = nil,
        labelMatrix: LabelMatrix, goldLabels: [Int]?
    ) {
        self.ids = ids
        self.features = features
        self.tokens = tokens
        self.texts = texts
        self.labelMatrix = labelMatrix
        self.goldLabels = goldLabels
    }

    public var count: Int { ids.count }

    /// The records of this split, for labeling functions written in Swift.
    public var records: [DataRecord] {
        let featureRows: [[Double]]? = features.map { f in
            let values = f.scalars
            let d = f.shape[1]
            return (0..<count).map { Array(values[($0 * d)..<(($0 + 1) * d)]) }
        }
        return (0..<count).map { i in
            DataRecord(id: ids[i], features: featureRows?[i] ?? [], text: texts?[i], tokens: tokens?[i])
        }
    }

    /// Token ids as a `[N, length]` tensor, right-padded with 0 and truncated to `length`.
    public func tokenTensor(length: Int, dtype: DType = .float32) -> Tensor? {
        guard let tokens else { return nil }
        var values = [Double](repeating: 0, count: count * length)
        for (i, row) in tokens.enumerated() {
            for (t, id) in row.prefix(length).enumerated() { values[i * length + t] = Double(id) }
        }
        return Tensor(shape: [count, length], scalars: values, dtype: dtype)
    }

    /// The rows `indices` of this split.
    public func subset(_ indices: [Int]) -> DatasetSplit {
        DatasetSplit(
            ids: indices.map { ids[$0] }, features: features?.gatheringRows(indices),
            tokens: tokens.map { t in indices.map { t[$0] } }, texts: texts.map { t in indices.map { t[$0] } },
            labelMatrix: labelMatrix.rows(indices), goldLabels: goldLabels.map { g in indices.map { g[$0] } })
    }
}

/// What a labeling function sees: one record's features, text and tokens.
public struct DataRecord: Sendable {
    public let id: String
    public let features: [Double]
    public let text: String?
    public let tokens: [Int]?
}

/// A weak-supervision dataset: train/valid/test splits sharing classes and labeling functions.
public struct WeakDataset {
    public enum Split: String, CaseIterable, Sendable { case train, valid, test }

    public var name: String
    public var classNames: [String]
    public var lfNames: [String]
    /// Human-readable descriptions of the LFs (e.g. the rule text), when known.
    public var lfDescriptions: [String]
    public var train: DatasetSplit
    public var valid: DatasetSplit
    public var test: DatasetSplit
    /// Vocabulary size of the token view (ids are < this), when there is one.
    public var vocabularySize: Int?

    public var classCount: Int { classNames.count }
    public var lfCount: Int { lfNames.count }
    public var featureCount: Int { train.features?.shape[1] ?? 0 }

    public init(
        name: String, classNames: [String], lfNames: [String], lfDescriptions: [String]? = nil,
        train: DatasetSplit, valid: DatasetSplit, test: DatasetSplit, vocabularySize: Int? = nil
    ) {
        self.name = name
        self.classNames = classNames
        self.lfNames = lfNames
        self.lfDescriptions = lfDescriptions ?? Array(repeating: "", count: lfNames.count)
        self.train = train
        self.valid = valid
        self.test = test
        self.vocabularySize = vocabularySize
    }

    public subscript(split: Split) -> DatasetSplit {
        get {
            switch split {
            case .train: return train
            case .valid: return valid
            case .test: return test
            }
        }
        set {
            switch split {
            case .train: train = newValue
            case .valid: valid = newValue
            case .test: test = newValue
            }
        }
    }
}
