import Autodiff
import Foundation

/// Loads WRENCH dataset folders: `train.json`, `valid.json`, `test.json`, optional `label.json`
/// (class names by index) and optional `lfs.json` (LF names and descriptions).
///
/// Each split file maps record ids to `{"label": c, "weak_labels": [...], "data": {...}}`, where
/// `data.feature` is the feature vector, `data.tokens` a list of token ids, or `data.text` a string
/// that is whitespace-tokenized into a vocabulary built on train (0 = padding, 1 = unknown).
/// Files are memory-mapped and parsed in one pass into flat arrays. Every record is validated:
/// equal LF counts, votes in `-1..<C`, finite features of equal width; errors name the file, the
/// record id and the field. Rows are ordered by id (numerically when every id is an integer).
public enum WrenchLoader {
    public static func load(directory: URL) throws -> WeakDataset {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw DataError(file: directory.path, "does not exist (expected a dataset folder)")
        }
        guard isDirectory.boolValue else { throw DataError(file: directory.path, "is a file, not a dataset folder") }
        var classNames: [String]?
        let labelFile = directory.appendingPathComponent("label.json")
        if fileManager.fileExists(atPath: labelFile.path) { classNames = try readClassNames(labelFile) }

        var raw: [WeakDataset.Split: RawSplit] = [:]
        for split in WeakDataset.Split.allCases {
            let file = directory.appendingPathComponent("\(split.rawValue).json")
            guard fileManager.fileExists(atPath: file.path) else {
                throw DataError(
                    file: file.path, "missing split file (a WRENCH folder needs train.json, valid.json and test.json)")
            }
            raw[split] = try parseSplit(file)
        }
        // Consistent LF counts and feature widths across splits.
        let reference = raw[.train]!
        for split in [WeakDataset.Split.valid, .test] {
            let other = raw[split]!
            if let m = reference.lfCount, let n = other.lfCount, m != n {
                throw DataError(
                    file: other.file, record: other.ids.first, field: "weak_labels", "has \(n) LFs, train.json has \(m)"
                )
            }
            // A split without features beside one with them is as wrong as another width.
            let (d, e) = (reference.featureWidth ?? 0, other.featureWidth ?? 0)
            if d != e {
                throw DataError(
                    file: other.file, record: other.schemaRecord, field: "data.feature",
                    "has \(e) features, train.json has \(d)")
            }
        }
        // The number of classes: label.json, else the gold labels, else the votes.
        let classCount = try inferredClassCount(
            classNames: classNames, labels: raw.values.flatMap { $0.labels.compactMap { $0 } },
            largestVote: raw.values.compactMap(\.votes.largest).max(), directory: directory.path)
        let names = classNames ?? (0..<classCount).map { "class\($0)" }
        for split in WeakDataset.Split.allCases { try raw[split]!.validate(classCount: classCount) }

        let lfCount = reference.lfCount ?? 0
        var lfNames = (0..<lfCount).map { "lf\($0)" }
        var lfDescriptions = Array(repeating: "", count: lfCount)
        let lfFile = directory.appendingPathComponent("lfs.json")
        if fileManager.fileExists(atPath: lfFile.path) {
            (lfNames, lfDescriptions) = try readLFDescriptions(lfFile, lfCount: lfCount)
        }
        var vocabulary: [String: Int]? = reference.texts.map { buildVocabulary($0) }
        if reference.tokens != nil { vocabulary = nil }
        let splits = raw.mapValues { $0.makeSplit(vocabulary: vocabulary) }
        let vocabularySize =
            vocabulary.map { $0.count + 2 }
            ?? raw.values.compactMap { $0.tokens?.flatMap { $0 }.max() }.max().map { $0 + 1 }
        return WeakDataset(
            name: directory.lastPathComponent, classNames: names, lfNames: lfNames, lfDescriptions: lfDescriptions,
            train: splits[.train]!, valid: splits[.valid]!, test: splits[.test]!, vocabularySize: vocabularySize)
    }

    /// One split as parsed, before ordering and tokenization.
    struct RawSplit {
        var file: String
        var ids: [String] = []
        /// Whether the ids are canonical integers in increasing order (then they cannot repeat).
        var idsIncrease = true
        var lastID = -1
        var labels: [Int?] = []
        var votes = ParsedVotes()
        var lfCount: Int?
        var features = FloatColumn()
        var featureWidth: Int?
        var texts: [String]?
        var tokens: [[Int]]?
        /// The record whose fields every other record must have (the file's first).
        var schemaRecord: String?

        func validate(classCount: Int) throws {
            for (row, id) in ids.enumerated() {
                if let label = labels[row], !(0..<classCount).contains(label) {
                    throw DataError(
                        file: file, record: id, field: "label", "label \(label) is not in 0..<\(classCount)")
                }
                if let m = lfCount {
                    for j in 0..<m where !(-1..<classCount).contains(votes[row * m + j]) {
                        throw DataError(
                            file: file, record: id, field: "weak_labels",
                            "vote \(votes[row * m + j]) of LF \(j) is not in -1..<\(classCount) (-1 = abstain)")
                    }
                }
            }
        }

        /// The error for a field that a later record has and the schema record (the file's first)
        /// lacks: every record of a split has the same fields, so the first is the one at fault.
        func missingInSchema(_ field: String, _ what: String, record: String) -> DataError {
            DataError(
                file: file, record: schemaRecord, field: field,
                "is missing, but record \(record) has \(what) (every record of a split has the same fields)")
        }

        /// Refuses an id that appears twice, naming both records.
        func checkUniqueIDs() throws {
            guard !idsIncrease else { return }
            var seen = [String: Int](minimumCapacity: ids.count)
            for (position, id) in ids.enumerated() {
                if let first = seen.updateValue(position, forKey: id) {
                    throw DataError(
                        file: file, record: id,
                        "the id appears twice (records \(first + 1) and \(position + 1) of the file)")
                }
            }
        }

        /// Room for about `records` records (estimated from the first record's size, 2% over) shaped
        /// like `schema`'s, so the arrays are not regrown while parsing nor when a second reader's
        /// records are appended.
        mutating func reserve(records estimate: Int, like schema: RawSplit?) {
            guard estimate > 0 else { return }
            let records = estimate + estimate / 50 + 16
            ids.reserveCapacity(records)
            labels.reserveCapacity(records)
            votes.reserveCapacity(records * (schema?.lfCount ?? 0))
            features.reserveCapacity(records * (schema?.featureWidth ?? 0))
        }

        /// Appends the records a second reader parsed from the rest of the same file (with this
        /// part's schema, so they were checked as one reader would have).
        mutating func append(_ tail: RawSplit) {
            if let first = tail.ids.first {
                idsIncrease = idsIncrease && tail.idsIncrease && Int(first)! > lastID
                lastID = tail.lastID
            }
            ids += tail.ids
            labels += tail.labels
            votes.append(contentsOf: tail.votes)
            features += tail.features
            if let more = tail.texts { texts? += more }
            if let more = tail.tokens { tokens? += more }
        }

        /// Orders rows by id and builds the split.
        func makeSplit(vocabulary: [String: Int]?) -> DatasetSplit {
            let order: [Int]
            if idsIncrease {
                order = Array(ids.indices)
            } else {
                let numeric = ids.compactMap { Int($0) }
                order =
                    numeric.count == ids.count
                    ? ids.indices.sorted { numeric[$0] < numeric[$1] } : ids.indices.sorted { ids[$0] < ids[$1] }
            }
            let m = lfCount ?? 0
            let d = featureWidth ?? 0
            // Rows are copied in id order straight into the tensor's storage (no intermediate array).
            var featureTensor: Tensor?
            if d > 0 && idsIncrease {
                featureTensor = features.tensor(shape: [ids.count, d])  // already in id order: shared
            } else if d > 0 {
                let storage = Storage(count: ids.count * d, dtype: .float32)
                let destination = storage.pointer(Float.self)
                features.withUnsafeBufferPointer { source in
                    for (row, i) in order.enumerated() {
                        (destination + row * d).update(from: source.baseAddress! + i * d, count: d)
                    }
                }
                featureTensor = Tensor(shape: [ids.count, d], storage: storage)
            }
            var ordered = idsIncrease ? votes.bytes : []  // already in id order: no copy
            if !idsIncrease {
                ordered.reserveCapacity(votes.count)
                for i in order { ordered += votes.bytes[(i * m)..<((i + 1) * m)] }
            }
            let matrix = LabelMatrix(rowCount: ids.count, lfCount: m, compactVotes: ordered)
            let gold: [Int]? = labels.allSatisfy { $0 != nil } && !labels.isEmpty ? order.map { labels[$0]! } : nil
            var tokenRows = tokens.map { t in order.map { t[$0] } }
            if tokenRows == nil, let texts, let vocabulary {
                tokenRows = order.map {
                    texts[$0].split(whereSeparator: \.isWhitespace).map { vocabulary[String($0)] ?? 1 }
                }
            }
            return DatasetSplit(
                ids: order.map { ids[$0] },
                features: featureTensor,
                tokens: tokenRows, texts: texts.map { t in order.map { t[$0] } },
                labelMatrix: matrix, goldLabels: gold)
        }
    }

    static func parseSplit(_ url: URL) throws -> RawSplit {
        let file = try MappedFile(path: url.path)
        // A large file is read by two readers at once: the second starts at a record boundary guessed
        // near the middle, with the first record's fields as its schema; the first reader confirms
        // the guess when it gets there, and otherwise reads on to the end alone (the same split).
        let boundary =
            file.bytes.count > CSVLoader.minimumBytesForParallelParsing
            ? JSONReader(bytes: file.bytes).recordBoundary(after: file.bytes.count / 2) : nil
        let first = boundary == nil ? nil : firstRecord(file)
        let (schema, tailStart) = (first?.record, first == nil ? nil : boundary)
        let results = ConcurrentResults<(split: RawSplit, stopped: Bool)>(count: tailStart == nil ? 1 : 2)
        DispatchQueue.concurrentPerform(iterations: tailStart == nil ? 1 : 2) { k in
            results.set(
                k,
                Result {
                    k == 0
                        ? try parsePart(
                            file, stoppingAfterCommaAt: tailStart,
                            reserving: first.map { file.bytes.count / $0.byteCount } ?? 0, like: schema)
                        : try parsePart(
                            file, tailFrom: tailStart!, schema: schema!,
                            reserving: (file.bytes.count - tailStart!) / first!.byteCount)
                })
        }
        var (split, stopped) = try results.take(0)!.get()
        if stopped { split.append(try results.take(1)!.get().split) }
        guard !split.ids.isEmpty else { throw DataError(file: url.path, "has no records (a split needs at least one)") }
        try split.checkUniqueIDs()
        return split
    }

    /// The file's first record alone (its fields are every record's schema) and the bytes from the
    /// file's start to its end (to estimate the record count), or nil if it does not parse.
    private static func firstRecord(_ file: MappedFile) -> (record: RawSplit, byteCount: Int)? {
        struct Read: Error {}
        var first = RawSplit(file: file.path)
        var reader = JSONReader(bytes: file.bytes)
        do {
            try reader.readObject { reader, id in
                var field: String?
                try parseRecord(&reader, id: id, into: &first, field: &field)
                throw Read()
            }
        } catch is Read {
            return (first, max(reader.position, 1))
        } catch {}
        return nil
    }

    /// The records of the file's top-level object up to the member that starts just after
    /// `stoppingAfterCommaAt` (stopped: true), or to its end (stopped: false).
    private static func parsePart(
        _ file: MappedFile, stoppingAfterCommaAt stop: Int?, reserving records: Int, like schema: RawSplit?
    ) throws -> (split: RawSplit, stopped: Bool) {
        var stopped = false
        var head = RawSplit(file: file.path)
        head.reserve(records: records, like: schema)
        let split = try parseRecords(file, from: 0, into: head) { reader, record in
            stopped = try reader.readObject(stoppingAfterCommaAt: stop, record)
            return stopped
        }
        return (split, stopped)
    }

    /// The records from the member at `tailFrom` to the end of the top-level object, checked
    /// against `schema` (the first record's fields) as if one reader had read the whole file.
    private static func parsePart(_ file: MappedFile, tailFrom start: Int, schema: RawSplit, reserving records: Int)
        throws -> (split: RawSplit, stopped: Bool)
    {
        var tail = RawSplit(file: file.path)
        (tail.lfCount, tail.featureWidth, tail.schemaRecord) = (
            schema.lfCount, schema.featureWidth, schema.schemaRecord
        )
        tail.texts = schema.texts.map { _ in [] }
        tail.tokens = schema.tokens.map { _ in [] }
        tail.reserve(records: records, like: schema)
        let split = try parseRecords(file, from: start, into: tail) { reader, record in
            try reader.readRemainingMembers(record)
            return false
        }
        return (split, false)
    }

    /// Runs `read` over a reader at `start`, parsing each record it is handed into `split`; errors
    /// name the file, record and field. `read` returns whether it stopped before the object's end.
    private static func parseRecords(
        _ file: MappedFile, from start: Int, into split: RawSplit,
        _ read: (inout JSONReader, (inout JSONReader, String) throws -> Void) throws -> Bool
    ) throws -> RawSplit {
        var split = split
        var currentID: String?
        var currentField: String?
        var released = start
        func record(_ reader: inout JSONReader, _ id: String) throws {
            currentID = id
            currentField = nil
            try parseRecord(&reader, id: id, into: &split, field: &currentField)
            if reader.position - released >= 16 << 20 {  // give parsed pages back to the OS
                file.release(released..<reader.position)
                released = reader.position
            }
        }
        do {
            var reader = JSONReader(bytes: file.bytes).reader(at: start)
            if try !read(&reader, record) {
                (currentID, currentField) = (nil, nil)  // what follows the object belongs to no record
                guard reader.isAtEnd else { throw reader.error("unexpected content after the top-level object") }
            }
        } catch let error as JSONReader.SyntaxError {
            throw DataError(
                file: file.path, record: currentID, field: currentField, "\(error.message) (line \(error.line))")
        }
        return split
    }

    private static func parseRecord(
        _ reader: inout JSONReader, id: String, into split: inout RawSplit, field: inout String?
    ) throws {
        // Votes and features go straight into the split's arrays (no arrays per record); a key
        // given twice counts once, the last time, as when each was read into its own array.
        var label: Int?
        let (voteStart, featureStart) = (split.votes.count, split.features.count)
        var voteCount: Int?
        var featureCount: Int?
        var text: String?
        var tokens: [Int]?
        try reader.readObject { reader, key in
            field = key
            switch key {
            case "label": label = try reader.readOptionalInt()
            case "weak_labels":
                if voteCount != nil { split.votes.removeAll(from: voteStart) }
                try reader.readArray { reader in
                    guard let vote = try reader.readOptionalInt() else {
                        throw reader.error("null vote (use -1 to abstain)")
                    }
                    split.votes.append(vote)
                }
                voteCount = split.votes.count - voteStart
            case "data":
                try reader.readObject { reader, dataKey in
                    field = "data.\(dataKey)"
                    switch dataKey {
                    case "feature":
                        split.features.removeLast(split.features.count - featureStart)
                        try reader.readArray { reader in
                            let value = try reader.readNumber()
                            guard value.isFinite else { throw reader.error("non-finite feature value") }
                            guard Float(value).isFinite else {
                                throw reader.error("feature value \(value) is beyond Float32's range (±3.4e38)")
                            }
                            split.features.append(Float(value))
                        }
                        featureCount = split.features.count - featureStart
                    case "text": text = try reader.readString()
                    case "tokens":
                        var values: [Int] = []
                        try reader.readArray { reader in
                            guard let token = try reader.readOptionalInt(), token >= 0 else {
                                throw reader.error("token ids must be non-negative integers")
                            }
                            guard token < maximumTokenID else {
                                throw reader.error(
                                    "token id \(token) is not below \(maximumTokenID) (the largest vocabulary supported)"
                                )
                            }
                            values.append(token)
                        }
                        tokens = values
                    default: try reader.skipValue()
                    }
                }
            default: try reader.skipValue()
            }
        }
        guard let voteCount else { throw DataError(file: split.file, record: id, field: "weak_labels", "is missing") }
        if split.idsIncrease, let value = Int(id), value > split.lastID, "\(value)" == id {
            split.lastID = value
        } else {
            split.idsIncrease = false
        }
        if let m = split.lfCount, voteCount != m {
            throw DataError(
                file: split.file, record: id, field: "weak_labels",
                "has \(voteCount) votes, expected \(m) (as in record \(split.schemaRecord!))")
        }
        if split.schemaRecord == nil {
            split.schemaRecord = id
            split.lfCount = voteCount
            split.featureWidth = featureCount
            if text != nil { split.texts = [] }
            if tokens != nil { split.tokens = [] }
        }
        if let width = split.featureWidth {
            guard let featureCount else {
                throw DataError(file: split.file, record: id, field: "data.feature", "is missing")
            }
            guard featureCount == width else {
                throw DataError(
                    file: split.file, record: id, field: "data.feature",
                    "has \(featureCount) values, expected \(width) (as in record \(split.schemaRecord!))")
            }
        } else if let featureCount, featureCount > 0 {
            throw split.missingInSchema("data.feature", "\(featureCount) values", record: id)
        }
        if split.texts != nil {
            guard let text else { throw DataError(file: split.file, record: id, field: "data.text", "is missing") }
            split.texts!.append(text)
        } else if text != nil {
            throw split.missingInSchema("data.text", "one", record: id)
        }
        if split.tokens != nil {
            guard let tokens else { throw DataError(file: split.file, record: id, field: "data.tokens", "is missing") }
            split.tokens!.append(tokens)
        } else if tokens != nil {
            throw split.missingInSchema("data.tokens", "them", record: id)
        }
        split.ids.append(id)
        split.labels.append(label)
    }

    /// `{"0": "ham", "1": "spam"}` → ["ham", "spam"].
    static func readClassNames(_ url: URL) throws -> [String] {
        guard let object = try readSmallJSON(url) as? [String: Any] else {
            throw DataError(file: url.path, "is not a JSON object mapping class indices to names")
        }
        var names: [Int: String] = [:]
        for (key, value) in object {
            guard let index = Int(key), index >= 0 else {
                throw DataError(file: url.path, field: key, "class keys must be indices 0, 1, …")
            }
            names[index] = "\(value)"
        }
        guard names.keys.sorted() == Array(0..<names.count) else {
            throw DataError(file: url.path, "class indices must be 0..<\(names.count)")
        }
        guard names.count >= 2 else {
            throw DataError(file: url.path, "lists \(names.count) class(es); a classification task needs at least 2")
        }
        return (0..<names.count).map { names[$0]! }
    }

    /// `{"lfs": [{"id": 0, "name"?: …, "rule"?: …}, …]}` → names and descriptions.
    static func readLFDescriptions(_ url: URL, lfCount: Int) throws -> ([String], [String]) {
        guard let object = try readSmallJSON(url) as? [String: Any], let lfs = object["lfs"] as? [[String: Any]]
        else {
            throw DataError(file: url.path, "expected an object with an 'lfs' array")
        }
        var names = (0..<lfCount).map { "lf\($0)" }
        var descriptions = Array(repeating: "", count: lfCount)
        for (position, lf) in lfs.enumerated() {
            let index = (lf["id"] as? Int) ?? position
            guard (0..<lfCount).contains(index) else {
                throw DataError(
                    file: url.path, record: "\(position)", field: "id", "LF id \(index) is not in 0..<\(lfCount)")
            }
            if let name = lf["name"] as? String { names[index] = name }
            descriptions[index] = (lf["rule"] as? String) ?? (lf["description"] as? String) ?? ""
        }
        return (names, descriptions)
    }

    /// Token ids must be below this (an embedding table has one row per id).
    static let maximumTokenID = 1_000_000

    /// A small JSON file (`label.json`, `lfs.json`) as Foundation objects, a UTF-8 byte-order mark
    /// skipped; errors say where the JSON breaks.
    static func readSmallJSON(_ url: URL) throws -> Any {
        do { return try InputFile.jsonObject(url.path) } catch { throw DataError(file: url.path, error.problem) }
    }

    /// Token → id for every whitespace-separated token of the training texts (ids from 2).
    static func buildVocabulary(_ texts: [String]) -> [String: Int] {
        var vocabulary: [String: Int] = [:]
        for text in texts {
            for token in text.split(whereSeparator: \.isWhitespace) where vocabulary[String(token)] == nil {
                vocabulary[String(token)] = vocabulary.count + 2
            }
        }
        return vocabulary
    }
}
