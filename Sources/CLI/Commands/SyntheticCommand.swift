import Foundation
import WeakSup

let syntheticCommand = Command(
    name: "synthetic",
    summary: "write a seeded synthetic weak-supervision dataset (WRENCH folder) whose right answer is known",
    options: [
        .value("out", placeholder: "DIR", help: "the folder to write (created; its split files are replaced)"),
        .value("classes", placeholder: "C", help: "number of classes (uniform balance)", default: "2"),
        .value("lfs", placeholder: "M", help: "number of labeling functions", default: "10"),
        .value("features", placeholder: "D", help: "class-informative Gaussian features", default: "10"),
        .value("separation", placeholder: "S", help: "distance scale of the class centres", default: "1.5"),
        .value(
            "accuracy", placeholder: "A",
            help: "LF accuracy (inside its region with --context); a list gives one per LF", default: "0.75"),
        .value(
            "propensity", placeholder: "P", help: "probability that an LF votes; a list gives one per LF",
            default: "0.4"),
        .value(
            "context", placeholder: "A",
            help: "feature-dependent LFs: accuracy A outside each LF's region of two extra context features"),
        .flag("unipolar", help: "each LF votes one class only (as WRENCH's tree-leaf LFs), abstaining elsewhere"),
        .value("rows", placeholder: "N,V,T", help: "train, valid and test rows", default: "3000,300,1000"),
        seedOption(),
    ],
    run: { arguments in
        let out = try arguments.required("out", as: String.self)
        let positive = { (value: Int) in value >= 1 }
        let classes = try arguments.required(
            "classes", as: Int.self, where: { $0 >= 2 }, expected: "an integer of at least 2")
        let lfs = try arguments.required("lfs", as: Int.self, where: positive, expected: "a positive integer")
        let probability = { (value: Double) in value >= 0 && value <= 1 }
        /// One probability per LF: a single value repeated, or a list of exactly `lfs`.
        func perLF(_ name: String) throws -> [Double] {
            let values = try arguments.list(name, of: Double.self, where: probability, expected: "probabilities") ?? []
            guard values.count == 1 || values.count == lfs else {
                throw CLIError.usage("--\(name) expects one probability or one per LF (\(lfs)), got \(values.count)")
            }
            return values.count == 1 ? Array(repeating: values[0], count: lfs) : values
        }
        let rows = try arguments.list("rows", of: Int.self, where: positive, expected: "positive integers") ?? []
        guard rows.count == 3 else { throw CLIError.usage("--rows expects three counts (train,valid,test)") }
        var generator = SyntheticWeakSupervision(
            classBalance: Array(repeating: 1 / Double(classes), count: classes),
            accuracies: try perLF("accuracy"), propensities: try perLF("propensity"),
            featureCount: try arguments.required(
                "features", as: Int.self, where: positive, expected: "a positive integer"),
            separation: try arguments.required(
                "separation", as: Double.self, where: { $0 > 0 }, expected: "a positive number"))
        generator.unipolar = arguments.flag("unipolar")
        if let context = try arguments.value("context", as: Double.self, where: probability, expected: "a probability")
        {
            generator.contextAccuracies = Array(repeating: context, count: lfs)
        }
        var dataset = generator.makeDataset(
            trainCount: rows[0], validCount: rows[1], testCount: rows[2], seed: try seed(arguments))
        dataset.name = (out as NSString).lastPathComponent
        try dataset.writeWRENCH(to: URL(fileURLWithPath: out))
        printError("wrote \(rows.reduce(0, +)) rows, \(classes) classes, \(lfs) LFs to \(out)")
    }
)
