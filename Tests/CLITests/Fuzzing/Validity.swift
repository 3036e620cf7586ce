import Foundation
import NN
import TestSupport

/// The fuzzer's own reading of what makes an input invalid — written without the loaders, so a
/// loader that accepts what this refuses has a bug. It only names what is *certainly* invalid;
/// nil means "no objection", not "valid".
enum Validity {
    /// A JSON file: its grammar (RFC 8259, numbers finite as Doubles).
    static func json(_ bytes: [UInt8]) -> String? {
        JSONProblem.first(in: Data(bytes)).map { "not JSON: \($0)" }
    }

    /// The JSON value of valid JSON bytes (a BOM allowed).
    private static func parsed(_ bytes: [UInt8]) -> Any? {
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        return try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
    }

    /// An integer JSON number (not a boolean).
    private static func integer(_ value: Any?) -> Int? {
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else { return nil }
        let double = number.doubleValue
        return double == double.rounded() && abs(double) < 1e15 ? Int(double) : nil
    }

    /// A WRENCH folder's split files (`train`, `valid`, `test` → bytes): each a non-empty object
    /// of records with integer votes ≥ −1 of one count across all splits, integer labels ≥ 0 or
    /// null, and features that are finite Float32 numbers of one width — in every record of every
    /// split, or in none.
    static func wrench(_ splits: [String: [UInt8]]) -> String? {
        var voteCount: Int?
        var width: Int?
        var (withFeatures, withoutFeatures) = (0, 0)
        for (name, bytes) in splits.sorted(by: { $0.key < $1.key }) {
            if let problem = json(bytes) { return "\(name): \(problem)" }
            guard let records = parsed(bytes) as? [String: Any], !records.isEmpty else {
                return "\(name): not an object of records"
            }
            for (id, value) in records {
                guard let record = value as? [String: Any] else { return "\(name) \(id): not an object" }
                guard let votes = record["weak_labels"] as? [Any] else { return "\(name) \(id): no weak_labels list" }
                let ints = votes.map(integer)
                guard ints.allSatisfy({ $0 != nil && $0! >= -1 }) else { return "\(name) \(id): a vote is not ≥ -1" }
                if let voteCount, voteCount != votes.count { return "\(name) \(id): \(votes.count) votes" }
                voteCount = votes.count
                if let label = record["label"], !(label is NSNull) {
                    guard let value = integer(label), value >= 0 else { return "\(name) \(id): bad label" }
                }
                guard let data = record["data"] else {
                    withoutFeatures += 1
                    continue
                }
                guard let fields = data as? [String: Any] else { return "\(name) \(id): data is not an object" }
                if ((fields["feature"] as? [Any])?.count ?? 0) > 0 { withFeatures += 1 } else { withoutFeatures += 1 }
                if let feature = fields["feature"] {
                    guard let values = feature as? [Any] else { return "\(name) \(id): feature is not a list" }
                    let finite = values.allSatisfy { value in
                        guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else {
                            return false
                        }
                        return Float(number.doubleValue).isFinite
                    }
                    guard finite else { return "\(name) \(id): a feature is not a finite Float32 number" }
                    if !values.isEmpty {
                        if let width, width != values.count { return "\(name) \(id): \(values.count) features" }
                        width = values.count
                    }
                }
                if let text = fields["text"], !(text is String) { return "\(name) \(id): text is not a string" }
                if let tokens = fields["tokens"] {
                    guard let list = tokens as? [Any], list.allSatisfy({ (integer($0) ?? -1) >= 0 }) else {
                        return "\(name) \(id): tokens are not non-negative integers"
                    }
                }
            }
        }
        if withFeatures > 0 && withoutFeatures > 0 {
            return "\(withFeatures) records have features, \(withoutFeatures) have none"
        }
        return nil
    }

    /// A CSV dataset split: every row as many cells as the header, unique header names and ids,
    /// features finite Float32 numbers, votes integers ≥ −1, labels empty or integers ≥ 0.
    static func csvSplit(_ bytes: [UInt8], lfPrefix: String = "lf_") -> String? {
        guard String(validating: bytes, as: UTF8.self) != nil else { return "not UTF-8" }
        let rows = ReferenceCSVParser.rows(Data(bytes))
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces) }) else { return "empty" }
        guard Set(header).count == header.count else { return "a header name twice" }
        guard rows.count > 1 else { return "no rows" }
        var ids = Set<String>()
        for (line, row) in rows.dropFirst().enumerated() {
            guard row.count == header.count else { return "row \(line + 1): \(row.count) cells" }
            for (name, raw) in zip(header, row) {
                let cell = raw.trimmingCharacters(in: .whitespaces)
                // Double(String) reads through a C string: it would stop at a NUL and accept "5\0" as 5.
                if name != "id" && cell.contains("\u{0}") { return "row \(line + 1): a NUL byte in '\(name)'" }
                switch name {
                case "id": guard ids.insert(raw).inserted else { return "row \(line + 1): id twice" }
                case "label": guard cell.isEmpty || (Int(cell) ?? -1) >= 0 else { return "row \(line + 1): label" }
                case _ where name.hasPrefix(lfPrefix):
                    guard (Int(cell) ?? -2) >= -1 else { return "row \(line + 1): vote '\(cell)'" }
                default:
                    guard let value = Double(cell), Float(value).isFinite else {
                        return "row \(line + 1): feature '\(cell)'"
                    }
                }
            }
        }
        return nil
    }

    /// A votes file (`*_lfs.csv`): every cell an integer ≥ −1.
    static func csvVotes(_ bytes: [UInt8]) -> String? {
        let rows = ReferenceCSVParser.rows(Data(bytes))
        guard let header = rows.first, Set(header).count == header.count else { return "no header" }
        for (line, row) in rows.dropFirst().enumerated() {
            guard row.count == header.count else { return "row \(line + 1): \(row.count) cells" }
            for cell in row where (Int(cell.trimmingCharacters(in: .whitespaces)) ?? -2) < -1 {
                return "row \(line + 1): vote '\(cell)'"
            }
        }
        return nil
    }

    /// Raw rows for `apply`: every row as many cells as the header, unique header names.
    static func rawRows(_ bytes: [UInt8]) -> String? {
        guard String(validating: bytes, as: UTF8.self) != nil else { return "not UTF-8" }
        let rows = ReferenceCSVParser.rows(Data(bytes))
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces) }),
            Set(header).count == header.count
        else { return "no header, or a header name twice" }
        for (line, row) in rows.dropFirst().enumerated() where row.count != header.count {
            return "row \(line + 1): \(row.count) cells"
        }
        return nil
    }
}
