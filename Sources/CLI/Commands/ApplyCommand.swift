import Foundation
import WeakSup

let applyCommand = Command(
    name: "apply",
    summary: "apply declarative LF rules (JSON) to raw rows (CSV or JSON lines) and write a WRENCH dataset folder",
    options: [
        .value("lfs", placeholder: "FILE", help: "rules file: {\"classes\": […], \"rules\": […]} (see the README)"),
        .value("data", placeholder: "FILE", help: "raw rows: CSV with a header, or JSON lines (.jsonl)"),
        .value("out", placeholder: "DIR", help: "dataset folder to write (replaced only if it is a dataset folder)"),
        .value("id-column", placeholder: "NAME", help: "row ids (default: 'id' if present, else the row number)"),
        .value("label-column", placeholder: "NAME", help: "gold class names (default: 'label' if present)"),
        .value("split-column", placeholder: "NAME", help: "train/valid/test per row (default: 'split' if present)"),
        .value(
            "split", placeholder: "T,V,T", help: "fractions of a seeded split stratified by gold label",
            default: "0.8,0.1,0.1"),
        seedOption(help: "seed of the split"),
        .value("text-column", placeholder: "NAME", help: "text for features and tokens (default: 'text' if present)"),
        .value("features", placeholder: "D", help: "hashed bag-of-words dimension", default: "1024"),
    ],
    run: { arguments in
        let started = ContinuousClock.now
        let rulesPath = try arguments.required("lfs", as: String.self)
        let dataPath = try arguments.required("data", as: String.self)
        let out = try arguments.required("out", as: String.self)
        var options = RuleApplication.Options()
        options.idColumn = try arguments.value("id-column", as: String.self)
        options.labelColumn = try arguments.value("label-column", as: String.self)
        options.splitColumn = try arguments.value("split-column", as: String.self)
        options.textColumn = try arguments.value("text-column", as: String.self)
        options.seed = try seed(arguments)
        options.featureDimension = try arguments.required(
            "features", as: Int.self, where: { (1...1 << 20).contains($0) }, expected: "an integer in 1…1048576")
        let fractions = try arguments.list(
            "split", of: Double.self, where: { $0 > 0 && $0 < 1 }, expected: "fractions in (0, 1)")!
        guard fractions.count == 3, abs(fractions.reduce(0, +) - 1) < 1e-9 else {
            throw CLIError.usage("--split expects three fractions (train, valid, test) that sum to 1")
        }
        options.fractions = (fractions[0], fractions[1])

        let table = try RawTable.load(URL(fileURLWithPath: dataPath))
        let rules = try RuleSet.load(URL(fileURLWithPath: rulesPath), columns: table.columns)
        for warning in rules.warnings { printError("warning: \(warning)") }
        let loaded = ContinuousClock.now
        let votes = RuleApplication.votes(rules, on: table)
        let applied = ContinuousClock.now
        let name = URL(fileURLWithPath: out).standardizedFileURL.lastPathComponent
        let dataset = try RuleApplication.dataset(
            name: name, rules: rules, table: table, votes: votes, options: options)
        let details: [[String: Any]] = rules.rules.map { rule in
            [
                "class": rules.classNames[rule.classIndex], "label": rule.classIndex,
                "definition": (try? JSONSerialization.jsonObject(with: Data(rule.definition.utf8))) ?? rule.definition,
            ]
        }
        for warning in RuleApplication.coverageWarnings(rules, table: table, trainVotes: dataset.train.labelMatrix) {
            printError("warning: \(warning)")
        }
        let built = ContinuousClock.now
        try dataset.writeWRENCHFolder(atPath: out, lfDetails: details)
        printError(
            "applied \(rules.rules.count) rules to \(table.rows.count) rows of \(dataPath) and wrote \(out): "
                + String(
                    format: "read %.2f s, rules %.2f s, features and tokens %.2f s, writing %.2f s",
                    seconds(loaded - started), seconds(applied - loaded), seconds(built - applied),
                    seconds(ContinuousClock.now - built)))
        emit(
            "\(name): \(dataset.train.count)/\(dataset.valid.count)/\(dataset.test.count) train/valid/test rows, "
                + "\(dataset.lfCount) LFs, classes \(dataset.classNames.joined(separator: ", "))"
                + (dataset.featureCount > 0 ? ", \(dataset.featureCount) hashed features" : "")
                + (dataset.vocabularySize.map { ", vocabulary \($0)" } ?? ""))
        emit(
            LFAnalysis(
                labelMatrix: dataset.train.labelMatrix, lfNames: dataset.lfNames, goldLabels: dataset.train.goldLabels
            )
            .table())
    }
)
