import Autodiff
import Foundation
import NN

/// WeaSEL's encoder: a network on `concat(x, votes)` whose output becomes sample-dependent LF
/// accuracies θ, which aggregate the votes into soft labels `y_e = softmax(s)`,
/// `s_c = Σ_j θ_jc λ̄_jc (+ log P(y = c))`.
///
/// Internally θ is laid out as `[batch, C·m]` (index `c·m + j`); without class-conditional
/// accuracies the m values are shared by all classes.
public final class WeaselEncoder: Module {
    public let options: WeaselOptions
    public let lfCount: Int
    public let classCount: Int
    public let featureCount: Int
    public let network: MLP
    let logPrior: [Double]

    /// - Parameter standardizesFeatures: z-score the feature inputs inside the network (the votes
    ///   beside them are left as they are); fit its statistics with `network.inputStandardization`.
    public init(
        options: WeaselOptions, featureCount: Int, lfCount: Int, classCount: Int, standardizesFeatures: Bool = false,
        dtype: DType = .float32, using generator: inout SeededGenerator
    ) {
        self.options = options
        self.lfCount = lfCount
        self.classCount = classCount
        self.featureCount = options.encoderInput == .oneHotVotes ? 0 : featureCount
        let voteWidth = options.encoderInput == .featuresAndRawVotes ? lfCount : lfCount * classCount
        network = MLP(
            inputCount: self.featureCount + voteWidth,
            hiddenSizes: options.linearEncoder ? [] : options.encoderHiddenSizes,
            outputCount: lfCount * (options.classConditional ? classCount : 1), activation: .relu,
            batchNorm: options.encoderBatchNorm && !options.linearEncoder,
            dropout: options.linearEncoder ? 0 : options.encoderDropout,
            standardizesInputs: standardizesFeatures && self.featureCount > 0, dtype: dtype, using: &generator)
        let balance = options.classBalance ?? Array(repeating: 1 / Double(classCount), count: classCount)
        logPrior = balance.map { Foundation.log($0) }
    }

    override public var children: [(name: String, module: Module)] { [("network", network)] }

    /// The encoder's input for every row: features (if used) next to the votes (one-hot `[m·C]`
    /// or raw `[m]`, as the options say).
    public func makeInput(features: Tensor?, labelMatrix L: LabelMatrix, dtype: DType = .float32) -> Tensor {
        let (m, c) = (L.lfCount, classCount)
        let votes: Tensor
        if options.encoderInput == .featuresAndRawVotes {
            votes = Self.filled(rows: L.rowCount, columns: m, dtype: dtype) { set in
                for (index, vote) in L.compactVotes.enumerated() { set(index, Double(vote)) }
            }
        } else {
            votes = Self.filled(rows: L.rowCount, columns: m * c, dtype: dtype) { set in
                for (index, vote) in L.compactVotes.enumerated() where vote >= 0 { set(index * c + Int(vote), 1) }
            }
        }
        guard featureCount > 0, let features else { return votes }
        return concat([features.converted(to: dtype), votes], axis: 1)
    }

    /// One-hot votes with classes outermost, `[N, C·m]` (index `c·m + j`), matching θ's layout.
    public static func classMajorVotes(_ L: LabelMatrix, classCount c: Int, dtype: DType = .float32) -> Tensor {
        let m = L.lfCount
        return filled(rows: L.rowCount, columns: c * m, dtype: dtype) { set in
            for (index, vote) in L.compactVotes.enumerated() where vote >= 0 {
                let (i, j) = index.quotientAndRemainder(dividingBy: m)
                set(i * c * m + Int(vote) * m + j, 1)
            }
        }
    }

    /// A zero `[rows, columns]` tensor whose entries `fill` sets, written straight into its storage
    /// (built per minibatch, so it must be cheap: no staging array, the dtype chosen once).
    private static func filled(
        rows: Int, columns: Int, dtype: DType, _ fill: (_ set: (Int, Double) -> Void) -> Void
    ) -> Tensor {
        let storage = Storage(zeros: rows * columns, dtype: dtype)
        switch dtype {
        case .float32:
            let pointer = storage.pointer(Float.self)
            fill { pointer[$0] = Float($1) }
        case .float64:
            let pointer = storage.pointer(Double.self)
            fill { pointer[$0] = $1 }
        }
        return Tensor(shape: [rows, columns], storage: storage)
    }

    /// θ as `[batch, C·m]`, from the encoder's input and the rows' votes (which LFs abstained).
    public func accuracies(_ input: Tensor, labelMatrix L: LabelMatrix) -> Tensor {
        let (m, c) = (lfCount, classCount)
        let raw = network(input)
        let b = raw.shape[0]
        var theta: Tensor
        switch options.accuracyFunction {
        case .scaledSoftmax:
            let scale = options.accuracyScale.value(lfCount: m, classCount: c)
            // Softmax over the LFs (per class when class-conditional): rows of length m.
            theta = (raw * options.inverseTemperature).reshaped([-1, m]).softmax().reshaped([b, -1]) * scale
        case .scaledSoftmaxOverVoters:
            let scale = options.accuracyScale.value(lfCount: m, classCount: c)
            let logits = raw * options.inverseTemperature + abstainerMask(L, width: raw.shape[1], dtype: raw.dtype)
            theta = logits.reshaped([-1, m]).softmax().reshaped([b, -1]) * scale
        case .sigmoid: theta = raw.sigmoid()
        case .relu: theta = raw.relu()
        case .tanh: theta = raw.tanh()
        }
        if !options.classConditional { theta = concat(Array(repeating: theta, count: c), axis: 1) }
        return theta
    }

    /// `[b, width]` (width a multiple of m, θ's layout): 0 where the row's LF voted, −10⁴ where it
    /// abstained — added to the logits, it leaves abstainers out of the softmax (a row without any
    /// vote keeps a uniform θ, which then multiplies no vote).
    private func abstainerMask(_ L: LabelMatrix, width: Int, dtype: DType) -> Tensor {
        let m = L.lfCount
        return Self.filled(rows: L.rowCount, columns: width, dtype: dtype) { set in
            for (index, vote) in L.compactVotes.enumerated() where vote < 0 {
                let (i, j) = index.quotientAndRemainder(dividingBy: m)
                for k in stride(from: j, to: width, by: m) { set(i * width + k, -1e4) }
            }
        }
    }

    /// Aggregated scores `s [batch, C]` from θ and class-major one-hot votes.
    public func scores(accuracies theta: Tensor, votes: Tensor) -> Tensor {
        let b = theta.shape[0]
        var s = (theta * votes).reshaped([b * classCount, lfCount]).sum(axis: 1).reshaped([b, classCount])
        if options.addClassPrior { s = s + Tensor(shape: [classCount], scalars: logPrior, dtype: s.dtype) }
        return s
    }

    /// θ (`[N, C·m]`) and soft labels `y_e` (`[N, C]`) for rows with votes, in evaluation mode and
    /// without a graph: the frozen encoder acting as the label model of the trained end model.
    public func encode(features: Tensor?, labelMatrix: LabelMatrix) -> (accuracies: Tensor, softLabels: Tensor) {
        let parts = encodeInBlocks(features: features, labelMatrix: labelMatrix, keepAccuracies: true)
        guard parts.count != 1 else { return (parts[0].accuracies!, parts[0].softLabels) }
        return (concat(parts.map(\.accuracies!), axis: 0), concat(parts.map(\.softLabels), axis: 0))
    }

    /// The soft labels `y_e` (`[N, C]`) alone — without holding θ for every row (240 MB at a
    /// million rows of 30 LFs and 2 classes).
    public func softLabels(features: Tensor?, labelMatrix: LabelMatrix) -> Tensor {
        let parts = encodeInBlocks(features: features, labelMatrix: labelMatrix, keepAccuracies: false)
        return parts.count == 1 ? parts[0].softLabels : concat(parts.map(\.softLabels), axis: 0)
    }

    /// The encoder over blocks of rows, so a million rows never hold every layer's activations at once.
    private func encodeInBlocks(features: Tensor?, labelMatrix: LabelMatrix, keepAccuracies: Bool)
        -> [(accuracies: Tensor?, softLabels: Tensor)]
    {
        let wasTraining = isTraining
        eval()
        defer { if wasTraining { train() } }
        let dtype = network.output.weight.dtype
        let block = 16_384
        return stride(from: 0, to: max(labelMatrix.rowCount, 1), by: block).map { start in
            let count = min(block, labelMatrix.rowCount - start)
            let votes = labelMatrix.rows(Array(start..<(start + count)))
            return withoutGradients {
                let input = makeInput(
                    features: features?.sliced(axis: 0, start: start, length: count), labelMatrix: votes, dtype: dtype)
                let theta = accuracies(input, labelMatrix: votes)
                let s = scores(
                    accuracies: theta, votes: Self.classMajorVotes(votes, classCount: classCount, dtype: dtype))
                return (keepAccuracies ? theta : nil, s.softmax())
            }
        }
    }
}
