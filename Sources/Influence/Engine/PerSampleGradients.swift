import Autodiff
import NN

extension InfluenceProblem {
    /// Per-row gradients `∇θ ℓ̂_i` as an `[n, P]` tensor (unweighted, without the regularizer).
    ///
    /// For an MLP with every parameter selected this takes one forward and one backward pass for
    /// the whole batch: the backward pass gives each row's cotangent δ_i of every Linear output
    /// (the loss is a sum over rows), and a row's gradients are `δ_i ⊗ a_i` (weight) and `δ_i`
    /// (bias), with `a_i` the layer's input; BatchNorm in eval mode contributes `δ_i ⊙ x̂_i` and
    /// `δ_i`. Other models fall back to one backward pass per row.
    public func perRowGradientMatrix(_ rows: [Int]) -> Tensor {
        guard let mlp = model as? MLP, parameters.count == mlp.parameters.count else {
            let grads = perRowGradients(rows)
            return Tensor(shape: [rows.count, parameterCount], scalars: grads.flatMap { $0 }, dtype: dtype)
        }
        return withGradients {
            let x = inputs.gatheringRows(rows)
            let y = targets.gatheringRows(rows)
            // Forward pass keeping each layer's input and the tensors whose cotangents we need.
            var layerInputs: [Tensor] = []
            var outputs: [Tensor] = []
            var normalized: [Tensor?] = []
            var normOutputs: [Tensor?] = []
            var h = x
            for i in mlp.hiddenLayers.indices {
                layerInputs.append(h)
                let z = mlp.hiddenLayers[i](h)
                outputs.append(z)
                var a = z
                if !mlp.norms.isEmpty {
                    let norm = mlp.norms[i]
                    let xhat =
                        (z - norm.runningMean) * withoutGradients { (norm.runningVariance + norm.epsilon).pow(-0.5) }
                    let out = xhat * norm.weight + norm.bias
                    normalized.append(xhat)
                    normOutputs.append(out)
                    a = out
                } else {
                    normalized.append(nil)
                    normOutputs.append(nil)
                }
                h = mlp.configuration.activation(a)
            }
            layerInputs.append(h)
            let logits = mlp.output(h)
            outputs.append(logits)
            let loss = Loss.softTargetCrossEntropy(logits: logits, targets: y, reduction: .sum)
            let wanted = outputs + normOutputs.compactMap { $0 }
            let cotangents = gradients(of: loss, wrt: wanted)
            // Assemble [n, P] in the parameter order: per hidden layer linear (W, b), then norm (γ, β); output (W, b).
            var blocks: [ColumnBlockWriter.Block] = []
            var normIndex = outputs.count
            func linearBlocks(_ delta: Tensor, _ input: Tensor) {
                blocks.append(.outer(delta, input))  // δ_i ⊗ a_i: [n, out·in], the weight's layout
                blocks.append(.rows(delta))
            }
            for i in mlp.hiddenLayers.indices {
                linearBlocks(cotangents[i], layerInputs[i])
                if let xhat = normalized[i] {
                    let delta = cotangents[normIndex]
                    normIndex += 1
                    blocks.append(.rows(withoutGradients { delta * xhat }))
                    blocks.append(.rows(delta))
                }
            }
            linearBlocks(cotangents[mlp.hiddenLayers.count], layerInputs.last!)
            return ColumnBlockWriter.assemble(blocks, rows: rows.count, dtype: dtype)
        }
    }
}
