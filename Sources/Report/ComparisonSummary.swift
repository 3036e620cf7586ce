import Foundation
import WeakSup

/// What `weasel compare --json` printed: per method the mean and standard deviation of each test
/// metric over the seeds.
public struct ComparisonSummary: Sendable {
    public struct Row: Sendable {
        public var method: String
        /// Metric name (`f1`, `auc`, `accuracy`, `macro_f1`) → (mean, standard deviation).
        public var metrics: [String: (mean: Double, deviation: Double)]
    }

    public var dataset: String
    public var seeds: Int
    public var rows: [Row]
    public static let metricNames = ["f1", "auc", "accuracy", "macro_f1"]

    /// Reads the JSON object `compare --json` wrote; errors name the file and the entry.
    public static func load(_ url: URL) throws -> ComparisonSummary {
        let json: Any
        do { json = try InputFile.jsonObject(url.path) } catch { throw DataError(file: url.path, error.problem) }
        guard let object = json as? [String: Any],
            let results = object["results"] as? [[String: Any]]
        else {
            throw DataError(file: url.path, "is not the JSON object `weasel compare --json` prints (no 'results' list)")
        }
        var rows: [Row] = []
        for (index, result) in results.enumerated() {
            guard let method = result["method"] as? String else {
                throw DataError(file: url.path, record: "results[\(index)]", field: "method", "missing")
            }
            var metrics: [String: (Double, Double)] = [:]
            for name in metricNames {
                if let mean = result["\(name)_mean"] as? Double {
                    metrics[name] = (mean, result["\(name)_std"] as? Double ?? 0)
                }
            }
            rows.append(Row(method: method, metrics: metrics))
        }
        return ComparisonSummary(
            dataset: object["dataset"] as? String ?? "", seeds: object["seeds"] as? Int ?? 0, rows: rows)
    }
}
