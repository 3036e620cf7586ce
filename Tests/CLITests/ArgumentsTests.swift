import Foundation
import Influence
import Testing

@testable import CLI
@testable import WeakSup

@Suite("Command-line parsing")
struct ArgumentsTests {
    let options: [OptionSpec] = [
        .value("seed", placeholder: "S", help: "seed", default: "0"),
        .choice("dtype", of: DType.self, help: "dtype"),
        .choice("method", of: InfluenceMethod.self, help: "method", default: .reweighting),
        .value("counts", placeholder: "LIST", help: "counts"),
        .flag("json", help: "JSON output"),
    ]

    @Test("values, inline values, flags and defaults, read as typed values")
    func parsesOptions() throws {
        let parsed = try parseArguments(["--dtype", "float64", "--json"], options: options)
        #expect(try parsed.value("dtype", as: DType.self) == .float64)
        #expect(parsed.flag("json"))
        #expect(try parsed.value("seed", as: UInt64.self) == 0)  // the spec's default
        #expect(try parsed.required("method", as: InfluenceMethod.self) == .reweighting)
        let inline = try parseArguments(["--seed=42", "--method=r-wm", "--counts", "2,25"], options: options)
        #expect(try inline.value("seed", as: UInt64.self) == 42)
        #expect(try inline.value("method", as: InfluenceMethod.self) == .relativeWeightMoving)
        #expect(try inline.list("counts", of: Int.self) == [2, 25])
        #expect(!inline.flag("json"))
        #expect(try inline.value("dtype", as: DType.self) == nil)
    }

    @Test("a default is not a choice: only options given on the command line are taken out of tuning")
    func defaultsStayTuned() throws {
        let specs = endModelOptions + weaselOptionSpecs
        let defaults = tuningGrid(try parseArguments([], options: specs))
        #expect(defaults == TuningGrid())  // every coordinate searched, the objective included
        #expect(defaults.objectives == [.symmetricCE, .mig])
        let fixed = tuningGrid(
            try parseArguments(
                ["--preset", "official", "--lr", "1e-3", "--tau1", "1", "--class-conditional", "off"], options: specs))
        #expect(fixed.objectives == nil && fixed.learningRates == nil && fixed.inverseTemperatures == nil)
        #expect(fixed.classConditional == nil && fixed.encoderInputs == TuningGrid().encoderInputs)
        #expect(tuningGrid(try parseArguments(["--loss", "mig"], options: specs)).objectives == nil)
        #expect(tuningGrid(try parseArguments(["--no-tune"], options: specs + [noTuneOption])) == .fixed)
    }

    @Test("--epochs and --patience given are passes over the rows: they lift the default's bound in minibatches")
    func givenEpochsAreUnbounded() throws {
        let defaults = try trainingOptions(try parseArguments([], options: endModelOptions))
        #expect(
            defaults.maxSteps == TrainingOptions().maxSteps && defaults.patienceSteps == TrainingOptions().patienceSteps
        )
        let given = try trainingOptions(
            try parseArguments(["--epochs", "20", "--patience", "5"], options: endModelOptions))
        #expect(given.maxEpochs == 20 && given.maxSteps == nil)
        #expect(given.patience == 5 && given.patienceSteps == nil)
        #expect(given.epochBudget(batchesPerEpoch: 15_625) == (20, 5))
        // A model file's configuration carries the bounds, so a retraining from it keeps the same budget.
        let recorded = try JSONDecoder().decode(
            MethodConfiguration.self, from: try JSONEncoder().encode(MethodConfiguration(options: given)))
        #expect(recorded.applied(to: TrainingOptions()).maxSteps == nil)
        #expect(MethodConfiguration(options: defaults).applied(to: given).maxSteps == TrainingOptions().maxSteps)
    }

    @Test("compare, bench epochs and bench scale take WeaSEL's ablation switches, as train does")
    func compareTakesWeaselSwitches() throws {
        let given = ["--accuracy", "softmax-voters", "--loss", "mig", "--tau1", "1", "--encoder-input", "onehot"]
        let scratch = URL(fileURLWithPath: "/tmp")
        #expect(
            ScaleStep.weaselEpoch.arguments(data: "D", scratch: scratch, epochs: 2, weasel: ["--preset", "paper"])
                .suffix(2) == ["--preset", "paper"])
        #expect(
            !ScaleStep.twoStageEpoch.arguments(data: "D", scratch: scratch, epochs: 2, weasel: ["--preset", "paper"])
                .contains("--preset"))
        for command in [compareCommand, trainCommand, benchEpochsCommand, benchScaleCommand] {
            let options = try weaselOptions(try parseArguments(given, options: command.options))
            #expect(options.accuracyFunction == .scaledSoftmaxOverVoters, "\(command.name)")
            #expect(options.objective == .mig && options.inverseTemperature == 1, "\(command.name)")
            #expect(options.encoderInput == .oneHotVotes, "\(command.name)")
        }
    }

    @Test("unknown options, missing values and bad values are usage errors naming the option")
    func rejectsBadInput() throws {
        #expect(throws: CLIError.usage("unknown option '--bogus'")) {
            try parseArguments(["--bogus"], options: options)
        }
        #expect(throws: CLIError.usage("--dtype needs a value (float32|float64)")) {
            try parseArguments(["--dtype"], options: options)
        }
        #expect(throws: CLIError.usage("--json is a flag and takes no value")) {
            try parseArguments(["--json=1"], options: options)
        }
        #expect(throws: CLIError.usage("unexpected argument 'extra'")) {
            try parseArguments(["extra"], options: options)
        }
        #expect(throws: CLIError.usage("--methods names 'majority' twice; give each choice once")) {
            try parseArguments(
                ["--methods", "weasel,majority,majority"],
                options: [
                    .choices("methods", of: TrainingMethod.self, help: "methods")
                ]
            ).list("methods", of: TrainingMethod.self)
        }
        #expect(throws: CLIError.usage("--seed is given twice; give it once (lists are comma-separated)")) {
            try parseArguments(["--seed", "1", "--seed=2"], options: options)
        }
        let parsed = try parseArguments(["--seed", "-3", "--dtype", "half", "--counts", "2,x"], options: options)
        #expect(throws: CLIError.usage("--seed expects a non-negative integer, got '-3'")) {
            try parsed.value("seed", as: UInt64.self)
        }
        #expect(throws: CLIError.usage("--dtype expects one of float32, float64, got 'half'")) {
            try parsed.value("dtype", as: DType.self)
        }
        #expect(throws: CLIError.usage("--counts expects a list of an integer, got 'x' in '2,x'")) {
            try parsed.list("counts", of: Int.self)
        }
        #expect(throws: CLIError.usage("--dtype is required")) {
            try parseArguments([], options: options).required("dtype", as: DType.self)
        }
    }

    @Test("the help lists every case of an enum option")
    func helpListsChoices() throws {
        let help = influenceScoresCommand.help(path: ["weasel", "influence", "scores"])
        #expect(help.contains("--method " + InfluenceMethod.allCases.map(\.rawValue).joined(separator: "|")))
        #expect(help.contains("--solver cg|exact|lissa"))
        // Help text starts in one column; a label longer than it (train's --method lists eleven
        // methods) gets its own line instead of pushing every option's help past column 130.
        let train = trainCommand.help(path: ["weasel", "train"]).split(separator: "\n")
        let column = Command.helpLabelWidth + 4
        #expect(train.contains { $0.hasPrefix("  --seed S ") && $0.dropFirst(column).hasPrefix("random seed") })
        let method = try #require(train.firstIndex { $0.hasPrefix("  --method weasel|") })
        #expect(train[method + 1].hasPrefix(String(repeating: " ", count: column) + "how the training labels"))
    }

    @Test("subcommands dispatch, --help prints help at every level, unknown subcommands fail")
    func dispatch() throws {
        #expect(try root.dispatch(["bench", "--help"], path: ["weasel"])?.contains("autodiff") == true)
        #expect(try root.dispatch(["bench", "autodiff", "--help"], path: ["weasel"])?.contains("--dtype") == true)
        #expect(try root.dispatch([], path: ["weasel"])?.contains("demo") == true)
        #expect(throws: CLIError.usage("unknown subcommand 'nope' for 'weasel'")) {
            try root.dispatch(["nope"], path: ["weasel"])
        }
        #expect(throws: CLIError.usage("unknown option '--fast'")) {
            try root.dispatch(["demo", "--fast"], path: ["weasel"])
        }
        // `weasel influence` runs `influence scores` when no subcommand is named, and its help shows both forms.
        let help = try root.dispatch(["influence", "--help"], path: ["weasel"]) ?? ""
        #expect(
            help.contains("usage: weasel influence <subcommand> [options]")
                && help.contains("       weasel influence [options]"))
        #expect(throws: CLIError.usage("--model is required")) {
            try root.dispatch(["influence", "--data", "x"], path: ["weasel"])
        }
        #expect(throws: CLIError.usage("unknown option '--detect-mislabels'")) {
            try root.dispatch(["influence", "--detect-mislabels"], path: ["weasel"])
        }
    }
}

@Suite("Command tree")
struct CommandTreeTests {
    @Test("every command has unique option names and help that documents each option")
    func uniqueOptions() throws {
        func visit(_ command: Command, path: [String]) throws {
            let names = command.options.map(\.name)
            #expect(Set(names).count == names.count, "duplicate options in \(path.joined(separator: " ")): \(names)")
            let help = command.help(path: path)
            for name in names {
                #expect(help.contains("--\(name)"), "\(path.joined(separator: " ")) --help lacks --\(name)")
            }
            for sub in command.subcommands { try visit(sub, path: path + [sub.name]) }
        }
        try visit(root, path: ["weasel"])
    }
}

@Suite("compare's verdict")
struct ComparisonVerdictTests {
    /// A method's row with these test accuracies over seeds (a multi-class comparison).
    func row(_ method: TrainingMethod, _ accuracies: [Double]) -> MethodComparison {
        let evaluations = accuracies.map { accuracy -> Evaluation in
            var evaluation = Evaluation(probabilities: Tensor(shape: [1, 3], scalars: [1, 0, 0]), labels: [0])
            evaluation.accuracy = accuracy
            return evaluation
        }
        return MethodComparison(
            entry: ComparisonEntry(method: method), evaluations: evaluations, configurations: [])
    }

    @Test("the winner and its margin; ties and margins inside the spread over seeds are said, the ceiling never wins")
    func verdict() {
        let clear = comparisonVerdict(
            [row(.supervised, [0.99, 0.99]), row(.majority, [0.80, 0.80]), row(.weasel, [0.90, 0.91])], binary: false)
        #expect(clear == "winner: weasel, test accuracy 0.905 ± 0.007, 0.105 above majority (0.800 ± 0.000)")
        let tie = comparisonVerdict([row(.weasel, [0.82, 0.83]), row(.weaselFineTuned, [0.82, 0.83])], binary: false)
        #expect(tie?.hasSuffix("tied with weasel+ft (0.825 ± 0.007)") == true)
        let noisy = comparisonVerdict([row(.weasel, [0.80, 0.90]), row(.majority, [0.84, 0.84])], binary: false)
        #expect(noisy?.hasSuffix("— within one standard deviation over seeds, not a clear win") == true)
    }
}
