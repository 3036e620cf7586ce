/// Splits text into lowercase words: maximal runs of letters and digits (Unicode-aware), so
/// "Real-time strategy game!" is `["real", "time", "strategy", "game"]`. Keyword rules match whole
/// words of this form, and the hashed bag-of-words features and token ids are built from them.
public enum WordTokenizer {
    public static func words(_ text: String) -> [String] {
        var text = text
        return text.withUTF8 { bytes in
            bytes.allSatisfy { $0 < 0x80 } ? asciiWords(bytes) : unicodeWords(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// The same split for ASCII text, byte by byte (letters and digits are [A-Za-z0-9] there).
    private static func asciiWords(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var words: [String] = []
        var start = -1
        func finish(_ end: Int) {
            words.append(
                String(unsafeUninitializedCapacity: end - start) { buffer in
                    for k in start..<end {
                        let byte = bytes[k]
                        buffer[k - start] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                    }
                    return end - start
                })
            start = -1
        }
        for (k, byte) in bytes.enumerated() {
            let isWordByte = (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            if isWordByte {
                if start < 0 { start = k }
            } else if start >= 0 {
                finish(k)
            }
        }
        if start >= 0 { finish(bytes.count) }
        return words
    }

    /// The general case: Unicode letters and numbers, lowercased as `String.lowercased()` does.
    static func unicodeWords(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
