import Foundation
import Testing

@testable import CLI
@testable import Report

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Whether `text` is well-formed XML (each inline SVG must be).
private func isWellFormedXML(_ text: String) -> Bool {
    XMLParser(data: Data(text.utf8)).parse()
}

/// The inline SVG charts of a page.
private func charts(_ html: String) -> [String] {
    var result: [String] = []
    var rest = html[...]
    while let start = rest.range(of: "<svg"),
        let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex)
    {
        result.append(String(rest[start.lowerBound..<end.upperBound]))
        rest = rest[end.upperBound...]
    }
    return result
}

@Suite("weasel report")
struct ReportTests {
    @Test("every section, well-formed SVG with a title per mark, and the numbers of lfs and compare --json")
    func reportOfModelsAndComparison() throws {
        let directory = try temporaryDataset()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("toy").path
        let weaselModel = directory.appendingPathComponent("weasel.json").path
        let majorityModel = directory.appendingPathComponent("majority.json").path
        _ = try weasel([
            "train", "--data", data, "--method", "weasel", "--no-tune", "--epochs", "6", "--quiet", "--out",
            weaselModel,
        ])
        _ = try weasel([
            "train", "--data", data, "--method", "majority", "--no-tune", "--epochs", "6", "--quiet", "--out",
            majorityModel,
        ])
        let compareText = try weasel([
            "compare", "--data", data, "--methods", "majority,weasel", "--seeds", "2", "--no-tune", "--epochs", "4",
            "--quiet", "--json",
        ])
        let compareFile = directory.appendingPathComponent("compare.json")
        try compareText.write(to: compareFile, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("report.html").path
        _ = try weasel([
            "report", "--data", data, "--models", "\(weaselModel),\(majorityModel)", "--compare", compareFile.path,
            "--out", out, "--quiet",
        ])
        let html = try String(contentsOfFile: out, encoding: .utf8)
        // Self-contained: no scripts, nothing loaded from elsewhere.
        #expect(html.hasPrefix("<!DOCTYPE html>") && !html.contains("<script") && !html.contains("src="))
        #expect(!html.contains("href=\"http") && !html.contains("url("))
        for section in ["dataset", "label-models", "training", "comparison", "influence"] {
            #expect(html.contains("<section id=\"\(section)\">"), "section \(section)")
        }
        let svgs = charts(html)
        // Class balance, the LF panels, 2 heat maps, the accuracy scatter, θ boxes, 2 + 2 curves
        // (weasel: validation, and both networks' losses in one chart; majority: validation and
        // loss), the comparison, 2 confusion matrices and 2 influence charts.
        #expect(svgs.count == 15, "\(svgs.count) charts")
        for svg in svgs {
            #expect(isWellFormedXML(svg), "not well-formed: \(svg.prefix(200))")
            #expect(svg.components(separatedBy: "<title>").count - 1 >= 2, "a chart without marks: \(svg.prefix(200))")
        }
        // The LF numbers are `weasel lfs --json`'s.
        let lfs = try jsonObject(try weasel(["lfs", "--data", data, "--json"]))
        for lf in try #require(lfs["lfs"] as? [[String: Any]]) {
            let name = try #require(lf["name"] as? String)
            let coverage = try #require(lf["coverage"] as? Double)
            #expect(
                html.contains("<title>\(name): coverage \(formatted(coverage, digits: 4))</title>"),
                "coverage of \(name)")
        }
        // The comparison table holds compare --json's means.
        for result in try #require(try jsonObject(compareText)["results"] as? [[String: Any]]) {
            let mean = try #require(result["f1_mean"] as? Double)
            #expect(html.contains(">\(formatted(mean)) ± "), "\(result["method"] ?? "") F1 \(mean)")
        }
        // Training curves and the kept epoch, from the model files.
        #expect(html.contains("encoder loss") && html.contains("end model loss") && html.contains("kept epoch"))
        // The LF chart and table are `influence lfs`'s: its estimate for every LF of the majority model.
        #expect(html.contains("What removing each LF does"))
        let removal = try jsonObject(
            try weasel(["influence", "lfs", "--model", majorityModel, "--data", data, "--json", "--quiet"]))
        for row in try #require(removal["lfs"] as? [[String: Any]]) {
            let estimate = try #require((row["estimate"] as? [String: Any])?["loss_changes"] as? [Double])
            #expect(html.contains(String(format: "%.4e", estimate[0])), "\(row["lfs"] ?? "")")
        }
    }

    @Test("without models or a comparison every section is there and says what to give")
    func datasetOnly() throws {
        let directory = try temporaryDataset()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("report.html").path
        _ = try weasel(["report", "--data", directory.appendingPathComponent("toy").path, "--out", out, "--quiet"])
        let html = try String(contentsOfFile: out, encoding: .utf8)
        for section in ["dataset", "label-models", "training", "comparison", "influence"] {
            #expect(html.contains("<section id=\"\(section)\">"))
        }
        #expect(html.contains("Give --compare FILE") && html.contains("Give --model files"))
        #expect(charts(html).allSatisfy(isWellFormedXML))
    }

    @Test("nice axis ticks and the five-number summary")
    func scalesAndSummaries() {
        #expect(LinearScale(domain: (0, 1), range: (0, 100)).ticks(5) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        #expect(LinearScale.nice(0.13, 0.87) == (0, 1) && LinearScale.nice(0, 7.3) == (0, 8))
        let summary = FiveNumberSummary([4, 1, 3, 2, 5])!
        #expect(
            [summary.minimum, summary.lowerQuartile, summary.median, summary.upperQuartile, summary.maximum]
                == [1, 2, 3, 4, 5] && summary.count == 5)
        #expect(FiveNumberSummary([.nan]) == nil)
        #expect(escaped("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;")
    }
}
