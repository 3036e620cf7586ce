import Autodiff
import Foundation

/// Applies declarative rules (`RuleSet`) to raw rows (`RawTable`) and builds a weak-supervision
/// dataset every other command reads: votes from the rules, gold labels from an optional label
/// column, train/valid/test from a split column or a seeded stratified split, hashed
/// bag-of-words features and LSTM token ids from a text column.
public enum RuleApplication {
    public struct Options: Sendable {
        /// Row ids; nil: the `id` column when there is one, else the row's position.
        public var idColumn: String?
        /// Gold class names; nil: the `label` column when there is one (empty cells: no gold label).
        public var labelColumn: String?
        /// `train`/`valid`/`test` per row; nil: the `split` column when there is one, else `fractions`.
        public var splitColumn: String?
        /// Train and valid fractions of a seeded split (test gets the rest), stratified by gold label.
        public var fractions: (train: Double, valid: Double) = (0.8, 0.1)
        public var seed: UInt64 = 0
        /// The column features and tokens are made from; nil: `text` when there is one (else none).
        public var textColumn: String?
        /// Hashed bag-of-words dimension (`HashedBagOfWords`).
        public var featureDimension = 1024

        public init() {}
    }

    /// The rules' votes on every row, `[rows, rules]`: computed on all cores in blocks of rows,
    /// identical to a one-thread pass.
    public static func votes(_ rules: RuleSet, on table: RawTable) -> LabelMatrix {
        let rowCount = table.rows.count
        let ruleCount = rules.rules.count
        let keywordColumns = rules.rules.reduce(into: Set<Int>()) { $0.formUnion($1.condition.keywordColumns) }
        var votes = [Int8](repeating: Int8(LabelMatrix.abstain), count: rowCount * ruleCount)
        let blockSize = 256
        let blocks = (rowCount + blockSize - 1) / blockSize
        votes.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: blocks) { block in
                for i in (block * blockSize)..<min(rowCount, (block + 1) * blockSize) {
                    let row = table.rows[i]
                    var words: [Int: [String]] = [:]
                    for column in keywordColumns { words[column] = row[column].map(WordTokenizer.words) ?? [] }
                    for (j, rule) in rules.rules.enumerated() where rule.condition.holds(row, words: words) {
                        output[i * ruleCount + j] = Int8(rule.classIndex)
                    }
                }
            }
        }
        return LabelMatrix(rowCount: rowCount, lfCount: ruleCount, compactVotes: votes)
    }

    /// A rule firing on fewer training rows than this gets a warning (none: surely a mistake; a few:
    /// too rare to estimate its accuracy, or a near-miss such as a value in another case).
    public static let rareRuleRowCount = 5

    /// One line for each rule that fires on no training row or on fewer than `rareRuleRowCount`,
    /// saying why when the reason is visible: an `equals` text that the data holds only in another
    /// case. `trainVotes` are the training split's votes (`dataset.train.labelMatrix`).
    public static func coverageWarnings(_ rules: RuleSet, table: RawTable, trainVotes: LabelMatrix) -> [String] {
        rules.rules.enumerated().compactMap { j, rule in
            let fired = (0..<trainVotes.rowCount).reduce(0) { $0 + (trainVotes[$1, j] == LabelMatrix.abstain ? 0 : 1) }
            guard fired < rareRuleRowCount else { return nil }
            var line =
                "rule '\(rule.name)' fires on "
                + (fired == 0 ? "no training row" : "only \(fired) of \(trainVotes.rowCount) training rows")
            for (column, text) in rule.condition.caseSensitiveEquals {
                let variants = table.rows.compactMap { $0[column]?.trimmedCell }.filter {
                    $0 != text && $0.caseInsensitiveCompare(text) == .orderedSame
                }
                if let example = variants.first {
                    line +=
                        "; \(variants.count) rows hold '\(example)' in column '\(table.columns[column])', another case "
                        + "of '\(text)' (equals compares case; \"ignore_case\": true does not)"
                }
            }
            return line
        }
    }

    /// The dataset: rules applied (unless their `votes` are given), rows split, features and tokens made.
    public static func dataset(
        name: String, rules: RuleSet, table: RawTable, votes: LabelMatrix? = nil, options: Options = Options()
    ) throws -> WeakDataset {
        try dataset(
            name: name, classNames: rules.classNames, lfNames: rules.rules.map(\.name),
            lfDescriptions: rules.rules.map(\.summary), table: table, votes: votes ?? Self.votes(rules, on: table),
            options: options)
    }

    /// The dataset from votes made any other way (e.g. LFs written in Swift, one column per LF):
    /// rows split, features and tokens made, gold labels read by class name.
    public static func dataset(
        name: String, classNames: [String], lfNames: [String], lfDescriptions: [String]? = nil, table: RawTable,
        votes: LabelMatrix, options: Options = Options()
    ) throws -> WeakDataset {
        precondition(
            votes.rowCount == table.rows.count && votes.lfCount == lfNames.count, "votes do not match the rows and LFs")
        let file = table.file
        func column(_ given: String?, default name: String, purpose: String) throws -> Int? {
            guard let given else { return table.columns.firstIndex(of: name) }
            guard let index = table.columns.firstIndex(of: given) else {
                throw DataError(
                    file: file, field: given,
                    "is not a column (\(purpose); columns: \(table.columns.joined(separator: ", ")))")
            }
            return index
        }
        let idIndex = try column(options.idColumn, default: "id", purpose: "the id column")
        let labelIndex = try column(options.labelColumn, default: "label", purpose: "the gold label column")
        let splitIndex = try column(options.splitColumn, default: "split", purpose: "the split column")
        let textIndex = try column(options.textColumn, default: "text", purpose: "the text column")
        guard !table.rows.isEmpty else { throw DataError(file: file, "has no rows") }

        let ids = try rowIDs(table, idIndex)
        let gold = try goldLabels(table, labelIndex, classes: classNames)
        let splitOfRow =
            try splitIndex.map { try splitsFromColumn(table, $0) }
            ?? seededSplits(rowCount: table.rows.count, gold: gold, options: options, file: file)
        let words = textIndex.map { t in concurrentMap(table.rows) { $0[t].map(WordTokenizer.words) ?? [] } }

        var rowsOf: [WeakDataset.Split: [Int]] = [:]
        for (row, split) in splitOfRow.enumerated() { rowsOf[split, default: []].append(row) }
        for split in WeakDataset.Split.allCases where rowsOf[split, default: []].isEmpty {
            throw DataError(file: file, "the \(split.rawValue) split has no rows (each split needs at least one)")
        }
        let vocabulary = words.map { w in WordVocabulary(trainingRows: rowsOf[.train]!.map { w[$0] }) }
        let hashing = HashedBagOfWords(dimension: options.featureDimension)
        func makeSplit(_ split: WeakDataset.Split) -> DatasetSplit {
            let rows = rowsOf[split]!
            let labels = gold.flatMap { g in rows.allSatisfy { g[$0] != nil } ? rows.map { g[$0]! } : nil }
            return DatasetSplit(
                ids: rows.map { ids[$0] },
                features: words.map { w in hashing.features(rows.map { w[$0] }) },
                tokens: words.map { w in rows.map { vocabulary!.tokens(w[$0]) } },
                texts: textIndex.map { t in rows.map { table.rows[$0][t] ?? "" } },
                labelMatrix: votes.rows(rows), goldLabels: labels)
        }
        return WeakDataset(
            name: name, classNames: classNames, lfNames: lfNames, lfDescriptions: lfDescriptions,
            train: makeSplit(.train), valid: makeSplit(.valid), test: makeSplit(.test), vocabularySize: vocabulary?.size
        )
    }

    private static func rowIDs(_ table: RawTable, _ index: Int?) throws -> [String] {
        guard let index else { return table.rows.indices.map(String.init) }
        var seen: [String: Int] = [:]
        return try table.rows.enumerated().map { row, cells in
            guard let id = cells[index]?.trimmedCell, !id.isEmpty else {
                throw DataError(
                    file: table.file, record: table.locations[row], field: table.columns[index], "the id is empty")
            }
            if let first = seen[id] {
                throw DataError(
                    file: table.file, record: table.locations[row], field: table.columns[index],
                    "id '\(id.quotable)' is also the id of \(table.locations[first])")
            }
            seen[id] = row
            return id
        }
    }

    private static func goldLabels(_ table: RawTable, _ index: Int?, classes: [String]) throws -> [Int?]? {
        guard let index else { return nil }
        return try table.rows.enumerated().map { row, cells in
            guard let name = cells[index]?.trimmedCell, !name.isEmpty else { return nil }
            guard let label = classes.firstIndex(of: name) else {
                throw DataError(
                    file: table.file, record: table.locations[row], field: table.columns[index],
                    "'\(name.quotable)' is not one of the classes (\(classes.joined(separator: ", ")))")
            }
            return label
        }
    }

    private static func splitsFromColumn(_ table: RawTable, _ index: Int) throws -> [WeakDataset.Split] {
        try table.rows.enumerated().map { row, cells in
            let value = cells[index]?.trimmedCell.lowercased() ?? ""
            guard let split = WeakDataset.Split(rawValue: value) else {
                throw DataError(
                    file: table.file, record: table.locations[row], field: table.columns[index],
                    "'\((cells[index] ?? "").quotable)' is not a split (train, valid or test)")
            }
            return split
        }
    }

    /// A seeded split: rows of each gold class (or all rows, without gold) shuffled, and the first
    /// `train` fraction of them to train, the next `valid` fraction to valid, the rest to test.
    private static func seededSplits(rowCount: Int, gold: [Int?]?, options: Options, file: String) throws
        -> [WeakDataset.Split]
    {
        let (train, valid) = options.fractions
        guard train > 0, valid > 0, train + valid < 1 else {
            throw DataError(
                file: file, "split fractions \(train), \(valid) leave no room for test (each must be > 0, sum < 1)")
        }
        var generator = SeededGenerator(seed: options.seed)
        var groups: [Int: [Int]] = [:]
        for row in 0..<rowCount { groups[gold?[row] ?? -1, default: []].append(row) }
        var result = [WeakDataset.Split](repeating: .test, count: rowCount)
        for key in groups.keys.sorted() {
            var rows = groups[key]!
            rows.shuffle(using: &generator)
            let trainCount = Int((Double(rows.count) * train).rounded())
            let validCount = Int((Double(rows.count) * valid).rounded())
            for (position, row) in rows.enumerated() {
                result[row] = position < trainCount ? .train : position < trainCount + validCount ? .valid : .test
            }
        }
        return result
    }
}

/// `transform` of every element, computed on all cores in blocks; the same array as `map`.
func concurrentMap<T, R>(_ items: [T], blockSize: Int = 512, _ transform: (T) -> R) -> [R] {
    let blocks = (items.count + blockSize - 1) / blockSize
    let results = ConcurrentResults<[R]>(count: blocks)
    withoutActuallyEscaping(transform) { transform in
        nonisolated(unsafe) let body = transform
        nonisolated(unsafe) let input = items
        DispatchQueue.concurrentPerform(iterations: blocks) { b in
            results.set(b, .success(input[(b * blockSize)..<min(input.count, (b + 1) * blockSize)].map(body)))
        }
    }
    return results.values.flatMap { try! $0!.get() }
}
