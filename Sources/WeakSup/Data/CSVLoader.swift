import Autodiff
import Foundation

/// Loads a dataset folder of CSV files: `train.csv`, `valid.csv`, `test.csv`, each with a header.
///
/// Columns: an optional id column (`id`), an optional gold-label column (`label`; an empty cell
/// means unknown), LF vote columns named with a prefix (`lf_`; values `-1..<C`), and every other
/// column a numeric feature. Instead of LF columns, a split may have a separate label-matrix file
/// `<split>_lfs.csv` whose header names the LFs. Class names come from `label.json` when present.
/// Errors name the file, the 1-based line and the column.
public enum CSVLoader {
    public struct Options: Sendable {
        public var idColumn = "id"
        public var labelColumn = "label"
        public var lfPrefix = "lf_"
        public init() {}
    }

    public static func load(directory: URL, options: Options = Options()) throws -> WeakDataset {
        var classNames: [String]?
        let labelFile = directory.appendingPathComponent("label.json")
        if FileManager.default.fileExists(atPath: labelFile.path) {
            classNames = try WrenchLoader.readClassNames(labelFile)
        }
        var parsed: [WeakDataset.Split: ParsedSplit] = [:]
        for split in WeakDataset.Split.allCases {
            let file = directory.appendingPathComponent("\(split.rawValue).csv")
            guard FileManager.default.fileExists(atPath: file.path) else {
                throw DataError(
                    file: file.path, "missing split file (a CSV folder needs train.csv, valid.csv and test.csv)")
            }
            let lfFile = directory.appendingPathComponent("\(split.rawValue)_lfs.csv")
            parsed[split] = try parseSplit(
                file, lfFile: FileManager.default.fileExists(atPath: lfFile.path) ? lfFile : nil, options: options)
        }
        let train = parsed[.train]!
        for split in [WeakDataset.Split.valid, .test] {
            let other = parsed[split]!
            guard other.featureNames == train.featureNames else {
                throw DataError(
                    file: other.file,
                    "feature columns \(other.featureNames) differ from train.csv's \(train.featureNames)")
            }
            guard other.lfNames == train.lfNames else {
                throw DataError(
                    file: other.file, "LF columns \(other.lfNames) differ from train.csv's \(train.lfNames)")
            }
        }
        let labels = parsed.values.flatMap { $0.labels.compactMap { $0 } }
        let classCount = classNames?.count ?? max(2, (labels.max() ?? parsed.values.flatMap(\.votes).max() ?? 1) + 1)
        for split in WeakDataset.Split.allCases { try parsed[split]!.validate(classCount: classCount) }
        let splits = parsed.mapValues { $0.makeSplit() }
        return WeakDataset(
            name: directory.lastPathComponent, classNames: classNames ?? (0..<classCount).map { "class\($0)" },
            lfNames: train.lfNames, train: splits[.train]!, valid: splits[.valid]!, test: splits[.test]!)
    }

    struct ParsedSplit {
        var file: String
        var lfFile: String?
        var featureNames: [String] = []
        var lfNames: [String] = []
        var ids: [String] = []
        var lines: [Int] = []
        /// The line of each id, to refuse duplicates.
        var lineOfID: [String: Int] = [:]
        var labels: [Int?] = []
        var features: [Float] = []
        var votes: [Int] = []

        func validate(classCount: Int) throws {
            let m = lfNames.count
            for row in ids.indices {
                if let label = labels[row], !(0..<classCount).contains(label) {
                    throw DataError(
                        file: file, record: "line \(lines[row])", field: "label",
                        "label \(label) is not in 0..<\(classCount)")
                }
                for j in 0..<m where !(-1..<classCount).contains(votes[row * m + j]) {
                    throw DataError(
                        file: lfFile ?? file, record: "line \(lfFile == nil ? lines[row] : row + 2)", field: lfNames[j],
                        "vote \(votes[row * m + j]) is not in -1..<\(classCount) (-1 = abstain)")
                }
            }
        }

        func makeSplit() -> DatasetSplit {
            let d = featureNames.count
            let gold: [Int]? = !labels.isEmpty && labels.allSatisfy { $0 != nil } ? labels.map { $0! } : nil
            return DatasetSplit(
                ids: ids, features: d > 0 ? Tensor(shape: [ids.count, d], floats: features) : nil,
                labelMatrix: LabelMatrix(rowCount: ids.count, lfCount: lfNames.count, votes: votes), goldLabels: gold)
        }
    }

    static func parseSplit(_ url: URL, lfFile: URL?, options: Options) throws -> ParsedSplit {
        let table = try readCSV(url)
        guard let header = table.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) else {
            throw DataError(file: url.path, "is empty (a header row is required)")
        }
        guard table.count > 1 else {
            throw DataError(file: url.path, "has a header but no rows (a split needs at least one)")
        }
        if let duplicate = Dictionary(grouping: header.indices, by: { header[$0] }).first(where: { $0.value.count > 1 })
        {
            throw DataError(
                file: url.path, record: "line \(table[0].line)", "the header names column '\(duplicate.key)' twice")
        }
        var split = ParsedSplit(file: url.path, lfFile: lfFile?.path)
        let idIndex = header.firstIndex(of: options.idColumn)
        let labelIndex = header.firstIndex(of: options.labelColumn)
        let lfIndices = header.indices.filter { header[$0].hasPrefix(options.lfPrefix) }
        let featureIndices = header.indices.filter { $0 != idIndex && $0 != labelIndex && !lfIndices.contains($0) }
        split.featureNames = featureIndices.map { header[$0] }
        split.lfNames = lfIndices.map { String(header[$0].dropFirst(options.lfPrefix.count)) }
        for row in table.dropFirst() {
            guard row.fields.count == header.count else {
                throw DataError(
                    file: url.path, record: "line \(row.line)",
                    "has \(row.fields.count) cells, the header has \(header.count)")
            }
            let id = idIndex.map { row.fields[$0] } ?? "\(split.ids.count)"
            if let first = split.lineOfID[id] {
                throw DataError(
                    file: url.path, record: "line \(row.line)", field: header[idIndex!],
                    "id '\(id)' already appears on line \(first)")
            }
            split.lineOfID[id] = row.line
            split.ids.append(id)
            split.lines.append(row.line)
            if let labelIndex {
                let cell = row.fields[labelIndex].trimmingCharacters(in: .whitespaces)
                if cell.isEmpty {
                    split.labels.append(nil)
                } else {
                    guard let label = Int(cell) else {
                        throw DataError(
                            file: url.path, record: "line \(row.line)", field: header[labelIndex],
                            "'\(cell)' is not an integer label")
                    }
                    split.labels.append(label)
                }
            } else {
                split.labels.append(nil)
            }
            for index in featureIndices {
                let cell = row.fields[index].trimmingCharacters(in: .whitespaces)
                guard let value = Double(cell), value.isFinite else {
                    throw DataError(
                        file: url.path, record: "line \(row.line)", field: header[index],
                        "'\(cell)' is not a finite number")
                }
                guard Float(value).isFinite else {
                    throw DataError(
                        file: url.path, record: "line \(row.line)", field: header[index],
                        "\(cell) is beyond Float32's range (±3.4e38)")
                }
                split.features.append(Float(value))
            }
            for index in lfIndices {
                let cell = row.fields[index].trimmingCharacters(in: .whitespaces)
                guard let vote = Int(cell) else {
                    throw DataError(
                        file: url.path, record: "line \(row.line)", field: header[index],
                        "'\(cell)' is not an integer vote")
                }
                split.votes.append(vote)
            }
        }
        if let lfFile {
            guard lfIndices.isEmpty else {
                throw DataError(file: url.path, "has LF columns and a separate \(lfFile.lastPathComponent); use one")
            }
            let lfTable = try readCSV(lfFile)
            guard let lfHeader = lfTable.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) else {
                throw DataError(file: lfFile.path, "is empty (a header row is required)")
            }
            guard lfTable.count - 1 == split.ids.count else {
                throw DataError(
                    file: lfFile.path, "has \(lfTable.count - 1) rows, \(url.lastPathComponent) has \(split.ids.count)")
            }
            split.lfNames = lfHeader
            for row in lfTable.dropFirst() {
                guard row.fields.count == lfHeader.count else {
                    throw DataError(
                        file: lfFile.path, record: "line \(row.line)",
                        "has \(row.fields.count) votes, expected \(lfHeader.count)")
                }
                for (j, cell) in row.fields.enumerated() {
                    guard let vote = Int(cell.trimmingCharacters(in: .whitespaces)) else {
                        throw DataError(
                            file: lfFile.path, record: "line \(row.line)", field: lfHeader[j],
                            "'\(cell)' is not an integer vote")
                    }
                    split.votes.append(vote)
                }
            }
        }
        return split
    }

    /// Rows of an RFC 4180 CSV file (quoted fields, doubled quotes, CRLF or LF), with 1-based line numbers.
    package static func readCSV(_ url: URL) throws -> [(line: Int, fields: [String])] {
        guard var data = FileManager.default.contents(atPath: url.path) else {
            throw DataError(file: url.path, "cannot be read")
        }
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data = Data(data.dropFirst(3)) }  // a UTF-8 byte-order mark
        guard let text = String(validating: data, as: UTF8.self) else {
            throw DataError(file: url.path, record: "line \(lineOfFirstInvalidUTF8(data))", "is not valid UTF-8 text")
        }
        var rows: [(line: Int, fields: [String])] = []
        var field = ""
        var fields: [String] = []
        var inQuotes = false
        var line = 1
        var rowLine = 1
        var afterQuote = false
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            if inQuotes {
                if character == "\"" {
                    inQuotes = false
                    afterQuote = true
                } else {
                    if character == "\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"":
                if afterQuote {
                    field.append("\"")
                    inQuotes = true
                    afterQuote = false
                }  // doubled quote
                else {
                    inQuotes = true
                }
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
            case "\n", "\r\n":
                fields.append(field)
                field = ""
                afterQuote = false
                if !(fields.count == 1 && fields[0].isEmpty) { rows.append((rowLine, fields)) }
                fields = []
                line += 1
                rowLine = line
            case "\r": continue
            default:
                field.append(character)
                afterQuote = false
            }
        }
        if inQuotes { throw DataError(file: url.path, record: "line \(rowLine)", "unterminated quoted field") }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append((rowLine, fields))
        }
        return rows
    }
}

extension WeakDataset {
    /// Loads a WRENCH folder (`train.json`, …) or a CSV folder (`train.csv`, …).
    public static func load(from directory: URL) throws -> WeakDataset {
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent("train.csv").path)
            && !FileManager.default.fileExists(atPath: directory.appendingPathComponent("train.json").path)
        {
            return try CSVLoader.load(directory: directory)
        }
        return try WrenchLoader.load(directory: directory)
    }
}

/// The 1-based line of the first byte sequence that is not valid UTF-8.
func lineOfFirstInvalidUTF8(_ data: Data) -> Int {
    var line = 1
    var iterator = data.makeIterator()
    var decoder = UTF8()
    while true {
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar): if scalar == "\n" { line += 1 }
        case .emptyInput, .error: return line
        }
    }
}
