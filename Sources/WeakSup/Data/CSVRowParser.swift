/// Parses a dataset CSV's rows straight into a split's flat arrays. A row of plain cells (numbers
/// and ids without quotes or spaces, `,` between, LF or CRLF after) is read in one pass with no
/// scanner; any other row — quotes, whitespace, unusual numbers, errors — goes through
/// `CSVScanner` and the cell rules of `CSVCell`, so both paths give the same arrays and messages.
struct CSVRowParser {
    let bytes: UnsafeRawBufferPointer
    let header: [String]
    let roles: [CSVLoader.ColumnRole]
    let cellsName: String
    private let hasLabel: Bool
    /// The columns as runs of one role, in order (id, label, 16 × feature, 30 × vote → 4 runs).
    private let runs: [(role: CSVLoader.ColumnRole, count: Int)]
    private let row: RowBuffer
    private var lastID = -1
    private var scanner: CSVScanner

    init(bytes: UnsafeRawBufferPointer, header: [String], roles: [CSVLoader.ColumnRole], cellsName: String) {
        self.bytes = bytes
        self.header = header
        self.roles = roles
        self.cellsName = cellsName
        hasLabel = roles.contains(.label)
        runs = roles.reduce(into: []) { runs, role in
            if let last = runs.last, last.role == role {
                runs[runs.count - 1].count += 1
            } else {
                runs.append((role, 1))
            }
        }
        row = RowBuffer(
            featureCount: roles.filter { $0 == .feature }.count, voteCount: roles.filter { $0 == .vote }.count)
        scanner = CSVScanner(bytes: bytes, range: 0..<bytes.count)
    }

    /// Parses the rows of `range` into `split`; returns the line after the last one. Pages of
    /// `file` already parsed are released as it goes.
    mutating func parse(
        _ file: MappedFile, range: Range<Int>, firstLine: Int, expectedRows: Int,
        into split: inout CSVLoader.ParsedSplit
    ) throws -> Int {
        split.features.reserveCapacity(expectedRows * roles.filter { $0 == .feature }.count)
        split.votes.reserveCapacity(expectedRows * roles.filter { $0 == .vote }.count)
        split.lines.reserveCapacity(expectedRows)
        split.labels.reserveCapacity(expectedRows)
        if roles.contains(.id) { split.ids.reserveCapacity(expectedRows) }
        var position = range.lowerBound
        var line = firstLine
        var released = position
        while position < range.upperBound {
            if let next = plainRow(at: position, end: range.upperBound, into: &split) {
                split.lines.append(line)
                position = next
                line += 1
            } else {
                scanner.reset(range: position..<range.upperBound, line: line)
                let found: Bool
                do { found = try scanner.nextRow() } catch {
                    throw CSVLoader.RowError(line: error.line, field: nil, message: error.message)
                }
                guard found else { break }  // only blank lines were left
                try appendScannedRow(into: &split)
                split.lines.append(scanner.rowLine)
                position = scanner.position
                line = scanner.line
            }
            if !hasLabel { split.labels.append(nil) }
            if position - released >= 16 << 20 {
                file.release(released..<position)
                released = position
            }
        }
        return line
    }

    /// Reads a row of plain cells at `start` and returns where the next row starts; nil, with
    /// nothing appended, when the row needs the general path. The cells are read run by run (a
    /// loop per run of same-role columns, not a switch per cell) into `row`, and the split only
    /// grows once the whole row has parsed.
    private mutating func plainRow(at start: Int, end: Int, into split: inout CSVLoader.ParsedSplit) -> Int? {
        let (bytes, row, lastColumn) = (bytes, row, roles.count - 1)
        /// Where the cell after the one ending at `stop` starts (past `,` or the line end), or nil.
        @inline(__always) func next(after stop: Int, column: Int) -> Int? {
            if column < lastColumn { return stop < end && bytes[stop] == UInt8(ascii: ",") ? stop + 1 : nil }
            if stop == end { return end }
            if bytes[stop] == 0x0A { return stop + 1 }
            return bytes[stop] == 0x0D && stop + 1 < end && bytes[stop + 1] == 0x0A ? stop + 2 : nil
        }
        var (p, column, featureCount, voteCount) = (start, 0, 0, 0)
        var label: Int?
        var id = 0..<0
        for run in runs {
            switch run.role {
            case .feature:
                for _ in 0..<run.count {
                    guard let (value, stop) = DecimalParsing.scanDouble(bytes, p, end), Float(value).isFinite,
                        let after = next(after: stop, column: column)
                    else { return nil }
                    row.features[featureCount] = Float(value)
                    (featureCount, p, column) = (featureCount + 1, after, column + 1)
                }
            case .vote:
                for _ in 0..<run.count {
                    // A vote that does not fit a byte is left to the general path.
                    guard let (value, stop) = DecimalParsing.scanInt(bytes, p, end), (-128..<127).contains(value),
                        let after = next(after: stop, column: column)
                    else { return nil }
                    row.votes[voteCount] = Int8(truncatingIfNeeded: value)
                    (voteCount, p, column) = (voteCount + 1, after, column + 1)
                }
            case .label:
                var stop = p
                if !(p < end && (bytes[p] == UInt8(ascii: ",") || bytes[p] == 0x0A || bytes[p] == 0x0D)) {
                    guard let (value, s) = DecimalParsing.scanInt(bytes, p, end) else { return nil }
                    (label, stop) = (value, s)
                }
                guard let after = next(after: stop, column: column) else { return nil }
                (p, column) = (after, column + 1)
            case .id:
                var stop = p
                while stop < end && bytes[stop] > UInt8(ascii: ",") { stop += 1 }  // no quote, space or line end
                guard stop > p, let after = next(after: stop, column: column) else { return nil }
                (id, p, column) = (p..<stop, after, column + 1)
            }
        }
        split.features.append(contentsOf: UnsafeBufferPointer(start: row.features, count: featureCount))
        split.votes.append(narrow: UnsafeBufferPointer(start: row.votes, count: voteCount))
        if hasLabel { split.labels.append(label) }
        if !id.isEmpty {
            let cell = CSVCell(buffer: bytes, start: id.lowerBound, end: id.upperBound)
            if split.idsIncrease, let value = cell.canonicalInteger, value > lastID {
                lastID = value
            } else {
                split.idsIncrease = false
            }
            split.ids.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[id]), as: UTF8.self))
        }
        return p
    }

    /// Appends the scanner's current row, cell by cell, or throws what is wrong with it.
    private mutating func appendScannedRow(into split: inout CSVLoader.ParsedSplit) throws {
        let (line, roles, header, bytes) = (scanner.rowLine, roles, header, bytes)
        var lastID = lastID
        defer { self.lastID = lastID }
        try scanner.withFields { scratch, fields in
            guard fields.count == roles.count else {
                throw CSVLoader.RowError(
                    line: line, field: nil, message: "has \(fields.count) \(cellsName), the header has \(roles.count)")
            }
            for (k, field) in fields.enumerated() {
                let buffer = field.inScratch ? scratch : bytes
                let cell = CSVCell(buffer: buffer, start: field.start, end: field.end)
                switch roles[k] {
                case .id:
                    if split.idsIncrease, let value = cell.canonicalInteger, value > lastID {
                        lastID = value
                    } else {
                        split.idsIncrease = false
                    }
                    split.ids.append(
                        String(
                            decoding: UnsafeRawBufferPointer(rebasing: buffer[field.start..<field.end]), as: UTF8.self))
                case .label:
                    if cell.isBlank {
                        split.labels.append(nil)
                    } else {
                        guard let label = cell.integer else {
                            throw CSVLoader.RowError(
                                line: line, field: header[k], message: "'\(cell.quotable)' is not an integer label")
                        }
                        split.labels.append(label)
                    }
                case .feature:
                    guard let value = cell.number, value.isFinite else {
                        throw CSVLoader.RowError(
                            line: line, field: header[k], message: "'\(cell.quotable)' is not a finite number")
                    }
                    guard Float(value).isFinite else {
                        throw CSVLoader.RowError(
                            line: line, field: header[k], message: "\(cell.trimmed) is beyond Float32's range (±3.4e38)"
                        )
                    }
                    split.features.append(Float(value))
                case .vote:
                    guard let vote = cell.integer else {
                        throw CSVLoader.RowError(
                            line: line, field: header[k], message: "'\(cell.quotable)' is not an integer vote")
                    }
                    split.votes.append(vote)
                }
            }
        }
    }
}

/// One row's features and votes while it is parsed (allocated once per parser).
private final class RowBuffer {
    let features: UnsafeMutablePointer<Float>
    let votes: UnsafeMutablePointer<Int8>

    init(featureCount: Int, voteCount: Int) {
        features = .allocate(capacity: max(featureCount, 1))
        votes = .allocate(capacity: max(voteCount, 1))
    }

    deinit {
        features.deallocate()
        votes.deallocate()
    }
}
