/// Splits text into lowercase words: maximal runs of letters and digits (Unicode-aware), so
/// "Real-time strategy game!" is `["real", "time", "strategy", "game"]`. Keyword rules match whole
/// words of this form, and the hashed bag-of-words features and token ids are built from them.
public enum WordTokenizer {
    public static func words(_ text: String) -> [String] {
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
