import Foundation

/// What a trained model was trained on, to refuse data that does not match: the class names, the
/// LF and feature counts, and hashes of the training rows (ids and votes) and of the training
/// features. The dataset's folder name is recorded but not compared — the same data under another
/// name is accepted.
public struct DatasetSignature: Codable, Equatable, Sendable {
    public var name: String
    public var classNames: [String]
    public var lfCount: Int
    public var featureCount: Int
    public var trainRows: Int
    /// FNV-1a hash of the training ids and votes.
    public var trainHash: String
    /// FNV-1a hash of the training features' Float32 bit patterns (nil in files written before it
    /// was recorded, and for data without features).
    public var featureHash: String?

    public init(_ dataset: WeakDataset) {
        name = dataset.name
        classNames = dataset.classNames
        lfCount = dataset.lfCount
        featureCount = dataset.featureCount
        trainRows = dataset.train.count
        var hash = FNV1a()
        for (i, id) in dataset.train.ids.enumerated() {
            hash.mix(id)
            hash.mix(":")
            hash.mix(dataset.train.labelMatrix.row(i).map(String.init).joined(separator: ","))
            hash.mix(";")
        }
        trainHash = hash.text
        featureHash = dataset.train.features.map { features in
            var hash = FNV1a()
            for value in features.floats { hash.mix(value.bitPattern) }
            return hash.text
        }
    }

    /// What differs between the data a model was trained on (`self`) and `other`, one phrase per
    /// difference ("class names [ham, spam] vs [spam, ham]"); empty when they match. The folder
    /// name is not compared.
    public func differences(from other: DatasetSignature) -> [String] {
        var differences: [String] = []
        func compare<T: Equatable>(_ what: String, _ mine: T, _ theirs: T, _ text: (T) -> String = { "\($0)" }) {
            if mine != theirs { differences.append("\(what) \(text(mine)) vs \(text(theirs))") }
        }
        compare("class names", classNames, other.classNames) { "[" + $0.joined(separator: ", ") + "]" }
        compare("LFs", lfCount, other.lfCount)
        compare("features", featureCount, other.featureCount)
        compare("training rows", trainRows, other.trainRows)
        compare("hash of the training ids and votes", trainHash, other.trainHash)
        if let featureHash, let otherHash = other.featureHash {
            compare("hash of the training features", featureHash, otherHash)
        }
        return differences
    }
}

/// The 64-bit FNV-1a hash.
struct FNV1a {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func mix(_ text: String) { for byte in text.utf8 { mix(byte: byte) } }

    mutating func mix(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { mix(byte: UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    private mutating func mix(byte: UInt8) { state = (state ^ UInt64(byte)) &* 0x100_0000_01b3 }

    var text: String { String(state, radix: 16) }
}
