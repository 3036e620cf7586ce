import Autodiff

/// Fixed-size features for raw text with no fitted state: the hashed bag of words. Each word
/// (`WordTokenizer`) goes to bucket FNV-1a-64(word) mod `dimension`; a bucket holds 1 + ln(count)
/// (sublinear term frequency), and each row is scaled to unit Euclidean length (a row without
/// words stays zero). Collisions are the price of needing no vocabulary: valid and test rows use
/// the same buckets as train, and new words still count.
public struct HashedBagOfWords: Sendable {
    public let dimension: Int

    public init(dimension: Int) {
        precondition(dimension > 0, "the hashed feature dimension must be positive")
        self.dimension = dimension
    }

    /// The bucket of a word.
    public func bucket(_ word: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in word.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return Int(hash % UInt64(dimension))
    }

    /// Features `[words.count, dimension]` for rows given as their words.
    public func features(_ rows: [[String]]) -> Tensor {
        var values = [Float](repeating: 0, count: rows.count * dimension)
        for (i, words) in rows.enumerated() {
            var counts: [Int: Int] = [:]
            for word in words { counts[bucket(word), default: 0] += 1 }
            var squaredLength: Float = 0
            for (bucket, count) in counts {
                let value = 1 + Float.log(Float(count))
                values[i * dimension + bucket] = value
                squaredLength += value * value
            }
            if squaredLength > 0 {
                let scale = 1 / squaredLength.squareRoot()
                for bucket in counts.keys { values[i * dimension + bucket] *= scale }
            }
        }
        return Tensor(shape: [rows.count, dimension], floats: values)
    }
}

/// Token ids for an LSTM end model: the training rows' words, most frequent first (ties in
/// alphabetical order), numbered from 2; 0 is padding and 1 any word not seen in training.
public struct WordVocabulary: Sendable {
    public let ids: [String: Int]

    public init(trainingRows: [[String]]) {
        var counts: [String: Int] = [:]
        for words in trainingRows { for word in words { counts[word, default: 0] += 1 } }
        let ordered = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        ids = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($0.element.key, $0.offset + 2) })
    }

    /// Ids below this (padding and unknown included).
    public var size: Int { ids.count + 2 }

    public func tokens(_ words: [String]) -> [Int] { words.map { ids[$0] ?? 1 } }
}
