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
        let classCount = try inferredClassCount(
            classNames: classNames, labels: parsed.values.flatMap { $0.labels.compactMap { $0 } },
            largestVote: parsed.values.compactMap(\.votes.largest).max(), directory: directory.path)
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
        var labels: [Int?] = []
        var features = FloatColumn()
        var votes = ParsedVotes()
        /// Whether the ids are canonical integers in increasing order (then they cannot repeat).
        var idsIncrease = true
        /// The id column's name (for messages).
        var idColumn = "id"

        init(file: String, lfFile: String?) {
            self.file = file
            self.lfFile = lfFile
        }

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

        /// Refuses an id that appears twice, naming both lines.
        func checkUniqueIDs() throws {
            guard !idsIncrease else { return }
            var seen = Set<String>(minimumCapacity: ids.count)
            for (row, id) in ids.enumerated() where !seen.insert(id).inserted {
                let first = ids.firstIndex(of: id)!
                throw DataError(
                    file: file, record: "line \(lines[row])", field: idColumn,
                    "id '\(id)' already appears on line \(lines[first])")
            }
        }

        func makeSplit() -> DatasetSplit {
            let d = featureNames.count
            let gold: [Int]? = !labels.isEmpty && labels.allSatisfy { $0 != nil } ? labels.map { $0! } : nil
            return DatasetSplit(
                ids: ids, features: d > 0 ? features.tensor(shape: [ids.count, d]) : nil,
                labelMatrix: LabelMatrix(rowCount: ids.count, lfCount: lfNames.count, compactVotes: votes.bytes),
                goldLabels: gold)
        }

        /// Appends the rows of `other`, a later part of the same file whose lines count from 1.
        mutating func append(_ other: ParsedSplit, lineOffset: Int) {
            if let last = ids.last, let first = other.ids.first {
                idsIncrease = idsIncrease && other.idsIncrease && canonicalInteger(first)! > canonicalInteger(last)!
            } else {
                idsIncrease = idsIncrease && other.idsIncrease
            }
            ids += other.ids
            lines += other.lines.map { $0 + lineOffset }
            labels += other.labels
            features += other.features
            votes.append(contentsOf: other.votes)
        }
    }

    /// What a column holds.
    enum ColumnRole { case id, label, feature, vote }

    /// A problem with a cell or row, at a line counted from the start of the part being parsed.
    struct RowError: Error {
        var line: Int
        var field: String?
        var message: String
    }

    static func parseSplit(_ url: URL, lfFile: URL?, options: Options) throws -> ParsedSplit {
        let file = try MappedFile(path: url.path)
        var split = ParsedSplit(file: url.path, lfFile: lfFile?.path)
        split.idColumn = options.idColumn
        let (header, bodyStart, bodyLine) = try readHeader(file)
        guard bodyStart < file.bytes.count, try hasRow(file, from: bodyStart) else {
            throw DataError(file: url.path, "has a header but no rows (a split needs at least one)")
        }
        let idIndex = header.firstIndex(of: options.idColumn)
        let labelIndex = header.firstIndex(of: options.labelColumn)
        let roles: [ColumnRole] = header.indices.map { k in
            k == idIndex ? .id : k == labelIndex ? .label : header[k].hasPrefix(options.lfPrefix) ? .vote : .feature
        }
        split.featureNames = header.indices.filter { roles[$0] == .feature }.map { header[$0] }
        split.lfNames = header.indices.filter { roles[$0] == .vote }.map {
            String(header[$0].dropFirst(options.lfPrefix.count))
        }
        try parseBody(file, from: bodyStart, line: bodyLine, header: header, roles: roles, into: &split)
        if idIndex == nil { split.ids = split.lines.indices.map { "\($0)" } }
        try split.checkUniqueIDs()
        if let lfFile {
            guard !roles.contains(.vote) else {
                throw DataError(file: url.path, "has LF columns and a separate \(lfFile.lastPathComponent); use one")
            }
            let lfMapped = try MappedFile(path: lfFile.path)
            let (lfHeader, lfStart, lfLine) = try readHeader(lfMapped)
            var votes = ParsedSplit(file: lfFile.path, lfFile: nil)
            try parseBody(
                lfMapped, from: lfStart, line: lfLine, header: lfHeader,
                roles: Array(repeating: .vote, count: lfHeader.count), into: &votes, cellsName: "votes")
            guard votes.lines.count == split.ids.count else {
                throw DataError(
                    file: lfFile.path, "has \(votes.lines.count) rows, \(url.lastPathComponent) has \(split.ids.count)")
            }
            split.lfNames = lfHeader
            split.votes = votes.votes
        }
        return split
    }

    /// The header's cells (trimmed), where the rows begin, and their line.
    private static func readHeader(_ file: MappedFile) throws -> (header: [String], bodyStart: Int, line: Int) {
        let bytes = file.bytes
        let start = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0  // a BOM
        try file.checkUTF8(from: start)
        var scanner = CSVScanner(bytes: bytes, range: start..<bytes.count)
        do {
            guard try scanner.nextRow() else { throw DataError(file: file.path, "is empty (a header row is required)") }
        } catch let error as CSVScanner.SyntaxError {
            throw DataError(file: file.path, record: "line \(error.line)", error.message)
        }
        let header = scanner.fieldStrings.map { $0.trimmingCharacters(in: .whitespaces) }
        if let duplicate = Dictionary(grouping: header.indices, by: { header[$0] }).first(where: { $0.value.count > 1 })
        {
            throw DataError(
                file: file.path, record: "line \(scanner.rowLine)", "the header names column '\(duplicate.key)' twice")
        }
        return (header, scanner.position, scanner.line)
    }

    private static func hasRow(_ file: MappedFile, from start: Int) throws -> Bool {
        var scanner = CSVScanner(bytes: file.bytes, range: start..<file.bytes.count)
        do { return try scanner.nextRow() } catch { return true }  // a syntax error is reported by the full parse
    }

    /// Parses every row after the header. Files without quotes are cut at a line boundary into one
    /// part per core, parsed concurrently and joined in order — the same arrays as one pass.
    private static func parseBody(
        _ file: MappedFile, from start: Int, line: Int, header: [String], roles: [ColumnRole],
        into split: inout ParsedSplit, cellsName: String = "cells"
    ) throws {
        let end = file.bytes.count
        let parts =
            end - start > minimumBytesForParallelParsing && !file.contains(UInt8(ascii: "\""), in: start..<end) ? 2 : 1
        var bounds = [start]
        for k in 1..<parts {
            bounds.append(max(bounds[k - 1], file.lineStart(after: start + (end - start) * k / parts - 1)))
        }
        bounds.append(end)
        let (template, boundaries) = (split, bounds)
        let results = ConcurrentResults<(ParsedSplit, Int)>(count: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { k in
            var part = template
            results.set(
                k,
                Result {
                    var parser = CSVRowParser(bytes: file.bytes, header: header, roles: roles, cellsName: cellsName)
                    let endLine = try parser.parse(
                        file, range: boundaries[k]..<boundaries[k + 1], firstLine: k == 0 ? line : 1,
                        expectedRows: estimatedRows(file, k == 0 ? start..<end : boundaries[k]..<boundaries[k + 1]),
                        into: &part)
                    return (part, endLine)
                })
        }
        var lineOffset = 0
        for k in 0..<parts {
            switch results.take(k)! {
            case .failure(let error as RowError):
                throw DataError(
                    file: file.path, record: "line \(error.line + lineOffset)", field: error.field, error.message)
            case .failure(let error): throw error
            case .success(let (part, endLine)):
                if k == 0 { split = part } else { split.append(part, lineOffset: lineOffset) }
                lineOffset = k == 0 ? endLine - 1 : lineOffset + endLine - 1
            }
        }
    }

    /// Files smaller than this are parsed by one thread (tests lower it to exercise the split).
    nonisolated(unsafe) package static var minimumBytesForParallelParsing = 4 << 20

    /// The rows in `range`, from the length of the first lines (to reserve the arrays once).
    private static func estimatedRows(_ file: MappedFile, _ range: Range<Int>) -> Int {
        let sample = min(range.count, 1 << 16)
        let lines = file.newlines(in: range.lowerBound..<(range.lowerBound + sample))
        return lines == 0 ? 1 : Int(Double(range.count) / Double(sample) * Double(lines) * 1.02) + 16
    }

    /// Rows of an RFC 4180 CSV file (quoted fields, doubled quotes, CRLF or LF), with 1-based line
    /// numbers — for small files; datasets are parsed in place.
    package static func readCSV(_ url: URL) throws -> [(line: Int, fields: [String])] {
        let file = try MappedFile(path: url.path)
        let start = file.bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        try file.checkUTF8(from: start)
        var scanner = CSVScanner(bytes: file.bytes, range: start..<file.bytes.count)
        var rows: [(line: Int, fields: [String])] = []
        do {
            while try scanner.nextRow() { rows.append((scanner.rowLine, scanner.fieldStrings)) }
        } catch {  // typed: a CSVScanner.SyntaxError
            throw DataError(file: url.path, record: "line \(error.line)", error.message)
        }
        return rows
    }
}

/// One CSV cell's bytes, read as the loaders read cells: numbers with surrounding whitespace
/// trimmed, parsed as `Double(String)` / `Int(String)` would (`DecimalParsing`).
struct CSVCell {
    let buffer: UnsafeRawBufferPointer
    let start: Int
    let end: Int

    /// The cell without ASCII spaces and tabs around it, or nil when Unicode whitespace may remain.
    private var asciiTrimmed: (Int, Int)? {
        var (s, e) = (start, end)
        while s < e && (buffer[s] == 0x20 || buffer[s] == 0x09) { s += 1 }
        while e > s && (buffer[e - 1] == 0x20 || buffer[e - 1] == 0x09) { e -= 1 }
        if s < e && (buffer[s] >= 0x80 || buffer[e - 1] >= 0x80) { return nil }
        return (s, e)
    }

    /// The trimmed text (for messages and the rare cell with Unicode whitespace).
    var trimmed: String {
        String(decoding: UnsafeRawBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
            .trimmingCharacters(in: .whitespaces)
    }

    /// The trimmed text as a message quotes it (`String.quotable`).
    var quotable: String { trimmed.quotable }

    var isBlank: Bool {
        guard let (s, e) = asciiTrimmed else { return trimmed.isEmpty }
        return s == e
    }

    var number: Double? {
        guard let (s, e) = asciiTrimmed else { return Double(trimmed) }
        return DecimalParsing.parseDouble(buffer, s, e)
    }

    var integer: Int? {
        guard let (s, e) = asciiTrimmed else { return Int(trimmed) }
        return DecimalParsing.parseInt(buffer, s, e)
    }

    /// The value of an id written as a canonical non-negative integer (no sign, no leading zero).
    var canonicalInteger: Int? {
        guard end > start, end - start <= 18, buffer[start] != UInt8(ascii: "0") || end - start == 1 else { return nil }
        var value = 0
        for i in start..<end {
            let digit = buffer[i] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }
}

/// The value of a canonical non-negative integer id.
private func canonicalInteger(_ id: String) -> Int? {
    var id = id
    return id.withUTF8 { CSVCell(buffer: UnsafeRawBufferPointer($0), start: 0, end: $0.count).canonicalInteger }
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
