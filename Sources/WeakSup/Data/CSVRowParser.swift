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
    private var lastID = -1
    private var scanner: CSVScanner

    init(bytes: UnsafeRawBufferPointer, header: [String], roles: [CSVLoader.ColumnRole], cellsName: String) {
        self.bytes = bytes
        self.header = header
        self.roles = roles
        self.cellsName = cellsName
        hasLabel = roles.contains(.label)
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
    /// nothing appended, when the row needs the general path.
    private mutating func plainRow(at start: Int, end: Int, into split: inout CSVLoader.ParsedSplit) -> Int? {
        let marks = (split.features.count, split.votes.count, split.ids.count, split.labels.count, lastID)
        func rollBack(_ split: inout CSVLoader.ParsedSplit, _ parser: inout CSVRowParser) -> Int? {
            split.features.removeLast(split.features.count - marks.0)
            split.votes.removeLast(split.votes.count - marks.1)
            split.ids.removeLast(split.ids.count - marks.2)
            split.labels.removeLast(split.labels.count - marks.3)
            parser.lastID = marks.4
            return nil
        }
        var p = start
        let last = roles.count - 1
        for k in 0...last {
            var stop = p
            switch roles[k] {
            case .feature:
                guard let (value, s) = DecimalParsing.scanDouble(bytes, p, end), Float(value).isFinite else {
                    return rollBack(&split, &self)
                }
                split.features.append(Float(value))
                stop = s
            case .vote:
                // A vote that does not fit a byte is left to the general path.
                guard let (value, s) = DecimalParsing.scanInt(bytes, p, end), (-128..<127).contains(value) else {
                    return rollBack(&split, &self)
                }
                split.votes.append(value)
                stop = s
            case .label:
                if p < end && (bytes[p] == UInt8(ascii: ",") || bytes[p] == 0x0A || bytes[p] == 0x0D) {
                    split.labels.append(nil)
                } else {
                    guard let (value, s) = DecimalParsing.scanInt(bytes, p, end) else { return rollBack(&split, &self) }
                    split.labels.append(value)
                    stop = s
                }
            case .id:
                while stop < end && bytes[stop] > UInt8(ascii: ",") { stop += 1 }  // no quote, space or line end
                guard stop > p else { return rollBack(&split, &self) }
                let cell = CSVCell(buffer: bytes, start: p, end: stop)
                if split.idsIncrease, let value = cell.canonicalInteger, value > lastID {
                    lastID = value
                } else {
                    split.idsIncrease = false
                }
                split.ids.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[p..<stop]), as: UTF8.self))
            }
            if k < last {
                guard stop < end && bytes[stop] == UInt8(ascii: ",") else { return rollBack(&split, &self) }
                p = stop + 1
            } else if stop == end {
                p = end
            } else if bytes[stop] == 0x0A {
                p = stop + 1
            } else if bytes[stop] == 0x0D && stop + 1 < end && bytes[stop + 1] == 0x0A {
                p = stop + 2
            } else {
                return rollBack(&split, &self)
            }
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
                                line: line, field: header[k], message: "'\(cell.trimmed)' is not an integer label")
                        }
                        split.labels.append(label)
                    }
                case .feature:
                    guard let value = cell.number, value.isFinite else {
                        throw CSVLoader.RowError(
                            line: line, field: header[k], message: "'\(cell.trimmed)' is not a finite number")
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
                            line: line, field: header[k], message: "'\(cell.trimmed)' is not an integer vote")
                    }
                    split.votes.append(vote)
                }
            }
        }
    }
}
