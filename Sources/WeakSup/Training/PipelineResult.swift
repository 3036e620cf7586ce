import Autodiff
import NN

/// The result of training an end model from (weak or gold) labels.
public struct PipelineResult {
    public var model: any Layer
    public var report: TrainingReport
    public var test: Evaluation
    /// The training rows the end model saw (covered rows for weak labels).
    public var trainingRows: [Int]
    /// The soft labels it was trained towards, `[rows, C]`.
    public var targets: Tensor
    /// WeaSEL's encoder, when the labels came from one.
    public var encoder: WeaselEncoder?
    /// The label model, for two-stage methods.
    public var labelModel: LabelModel?
    /// What the method was trained with (tuning's choices included).
    public var configuration = MethodConfiguration()

    public init(
        model: any Layer, report: TrainingReport, test: Evaluation, trainingRows: [Int], targets: Tensor,
        encoder: WeaselEncoder? = nil, labelModel: LabelModel? = nil
    ) {
        self.model = model
        self.report = report
        self.test = test
        self.trainingRows = trainingRows
        self.targets = targets
        self.encoder = encoder
        self.labelModel = labelModel
    }
}
