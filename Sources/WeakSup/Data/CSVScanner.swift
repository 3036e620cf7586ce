/// Splits RFC 4180 CSV bytes into rows of fields in place: quoted fields, doubled quotes, LF, CRLF
/// or CR (old Mac) line ends, as Python's csv module and pandas accept them; blank lines skipped. A row's fields are byte
/// ranges into the file, or — for fields that needed unescaping — into a scratch buffer reused
/// across rows, so scanning allocates nothing per row.
struct CSVScanner {
    struct Field {
        var start: Int
        var end: Int
        var inScratch: Bool
    }

    /// An error at a 1-based line, before the loader adds the file name.
    struct SyntaxError: Error {
        var line: Int
        var message: String
    }

    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    private(set) var end: Int
    /// The 1-based line of `position`.
    private(set) var line: Int
    /// The line the current row starts on.
    private(set) var rowLine = 0
    private(set) var fields: [Field] = []
    private var scratch: [UInt8] = []

    init(bytes: UnsafeRawBufferPointer, range: Range<Int>, firstLine: Int = 1) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
        self.line = firstLine
        fields.reserveCapacity(64)
    }

    /// Continues scanning at `range.lowerBound`, which is on line `line` (keeps the buffers).
    mutating func reset(range: Range<Int>, line: Int) {
        position = range.lowerBound
        end = range.upperBound
        self.line = line
        unterminatedLine = nil
    }

    /// Reads the next row that is not blank into `fields`; false at the end.
    mutating func nextRow() throws(SyntaxError) -> Bool {
        while position < end {
            readRow()
            if let unterminatedLine { throw SyntaxError(line: unterminatedLine, message: "unterminated quoted field") }
            if fields.count == 1 && fields[0].start == fields[0].end { continue }  // a blank line
            return true
        }
        return false
    }

    private mutating func readRow() {
        fields.removeAll(keepingCapacity: true)
        scratch.removeAll(keepingCapacity: true)
        rowLine = line
        var fieldStart = position
        var scratchStart = -1  // ≥ 0 once the field is being copied into scratch
        var inQuotes = false
        var afterQuote = false
        func moveToScratch(_ scanner: inout CSVScanner) {
            guard scratchStart < 0 else { return }
            scratchStart = scanner.scratch.count
            scanner.scratch.append(
                contentsOf: UnsafeRawBufferPointer(rebasing: scanner.bytes[fieldStart..<scanner.position]))
        }
        func finishField(_ scanner: inout CSVScanner) {
            scanner.fields.append(
                scratchStart >= 0
                    ? Field(start: scratchStart, end: scanner.scratch.count, inScratch: true)
                    : Field(start: fieldStart, end: scanner.position, inScratch: false))
        }
        while position < end {
            if scratchStart < 0 && !inQuotes {
                // Skip 8 bytes at a time to the next byte that is not above ',' (the first flagged
                // byte of `(w − 0x2D…) & ~w & 0x80…` is exactly the first one below 0x2D).
                while position + 8 <= end {
                    let word = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                    let below = (word &- 0x2D2D_2D2D_2D2D_2D2D) & ~word & 0x8080_8080_8080_8080
                    if below != 0 {
                        position += below.trailingZeroBitCount >> 3
                        break
                    }
                    position += 8
                }
                guard position < end else { break }
            }
            let byte = bytes[position]
            // Digits, signs, points and letters (all above ',') are the bulk of a data file.
            if byte > UInt8(ascii: ",") && !inQuotes {
                if scratchStart >= 0 { scratch.append(byte) }
                afterQuote = false
                position += 1
                continue
            }
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    inQuotes = false
                    afterQuote = true
                } else {
                    if isLineEnd(at: position) { line += 1 }
                    scratch.append(byte)
                }
                position += 1
                continue
            }
            switch byte {
            case UInt8(ascii: ","):
                finishField(&self)
                position += 1
                fieldStart = position
                scratchStart = -1
                afterQuote = false
            case 0x0A:
                finishField(&self)
                position += 1
                line += 1
                return
            case 0x0D:  // CR ends the row, CRLF too (the LF is skipped with it)
                finishField(&self)
                position += position + 1 < end && bytes[position + 1] == 0x0A ? 2 : 1
                line += 1
                return
            case UInt8(ascii: "\""):
                moveToScratch(&self)
                if afterQuote { scratch.append(byte) }  // a doubled quote
                inQuotes = true
                afterQuote = false
                position += 1
            default:
                if scratchStart >= 0 { scratch.append(byte) }
                afterQuote = false
                position += 1
            }
        }
        if inQuotes { unterminatedLine = rowLine }
        finishField(&self)
    }

    /// Whether the byte at `index` ends a line: an LF, or a CR not followed by an LF.
    private func isLineEnd(at index: Int) -> Bool {
        bytes[index] == 0x0A || (bytes[index] == 0x0D && (index + 1 == end || bytes[index + 1] != 0x0A))
    }

    /// Set when the file ended inside a quoted field (the line where that row began).
    private(set) var unterminatedLine: Int?

    /// Calls `body` with the bytes of each field of the current row: the buffer, and the field's range in it.
    func withFields<R>(_ body: (UnsafeRawBufferPointer, [Field]) throws -> R) rethrows -> R {
        try scratch.withUnsafeBytes { scratchBytes in
            try body(scratchBytes, fields)
        }
    }

    /// The fields of the current row as strings.
    var fieldStrings: [String] {
        withFields { scratchBytes, fields in
            fields.map { field in
                String(
                    decoding: UnsafeRawBufferPointer(
                        rebasing: (field.inScratch ? scratchBytes : bytes)[field.start..<field.end]), as: UTF8.self)
            }
        }
    }
}
