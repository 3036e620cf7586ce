import Foundation
import NN

let demoCommand = Command(
    name: "demo",
    summary: "train a small MLP on seeded synthetic data; print the loss curve and an HVP check",
    options: [
        seedOption(help: "random seed for data and initialization"),
        .value("steps", placeholder: "N", help: "gradient steps", default: "300"),
    ],
    run: { arguments in
        let steps = try arguments.required("steps", as: Int.self, where: { $0 >= 1 }, expected: "a positive integer")
        runDemo(seed: try seed(arguments), steps: steps)
    }
)

/// Two interleaved half-moons with Gaussian noise, labels 0/1.
func twoMoons(count: Int, noise: Double, using generator: inout SeededGenerator) -> (Tensor, [Int]) {
    var values: [Double] = []
    var labels: [Int] = []
    for i in 0..<count {
        let label = i % 2
        let angle = Double.pi * generator.nextUniform()
        let x = label == 0 ? cos(angle) : 1 - cos(angle)
        let y = label == 0 ? sin(angle) : 0.5 - sin(angle)
        values += [x + noise * generator.nextNormal(), y + noise * generator.nextNormal()]
        labels.append(label)
    }
    return (Tensor(shape: [count, 2], scalars: values, dtype: .float64), labels)
}

func runDemo(seed: UInt64, steps: Int) {
    var generator = SeededGenerator(seed: seed)
    let (x, labels) = twoMoons(count: 400, noise: 0.1, using: &generator)
    let targets = Tensor.oneHot(labels, classCount: 2, dtype: .float64)
    let model = DenseNetwork(sizes: [2, 16, 16, 2], dtype: .float64, smooth: true, using: &generator)
    emit("Training a 2-16-16-2 tanh MLP on 400 two-moons points (seed \(seed)), gradient descent, lr 0.5")
    emit("step   loss      accuracy")
    for step in 0...steps {
        let loss = Loss.softTargetCrossEntropy(logits: model.logits(x), targets: targets)
        if step % max(steps / 10, 1) == 0 || step == steps {
            let predictions = withoutGradients { model.logits(x) }.argmax(axis: 1)
            let correct = zip(predictions, labels).filter { $0 == $1 }.count
            emit(
                String(format: "%4d   ", step) + number(loss.item, "%.5f") + "   "
                    + number(Double(correct) / Double(labels.count), "%.3f"))
        }
        if step == steps { break }
        let grads = gradients(of: loss, wrt: model.parameters)
        withoutGradients { for (p, g) in zip(model.parameters, grads) { p.assign(p - g * 0.5) } }
    }

    // Exact HVP (double backward) against central differences of exact gradients along v.
    let v = model.parameters.map { Tensor.randomNormal($0.shape, dtype: .float64, using: &generator) }
    let hv = hessianVectorProduct(
        of: Loss.softTargetCrossEntropy(logits: model.logits(x), targets: targets), wrt: model.parameters, along: v)
    func gradientAt(_ step: Double) -> [Double] {
        let shifted = withoutGradients { zip(model.parameters, v).map { ($0 + $1 * step).requiringGradient() } }
        let loss = Loss.softTargetCrossEntropy(logits: model.logits(x, parameters: shifted), targets: targets)
        return gradients(of: loss, wrt: shifted).flatMap(\.scalars)
    }
    let epsilon = 1e-5
    let numeric = zip(gradientAt(epsilon), gradientAt(-epsilon)).map { ($0 - $1) / (2 * epsilon) }
    let exact = hv.flatMap(\.scalars)
    let error = zip(exact, numeric).map { abs($0 - $1) }.max()! / max(numeric.map(abs).max()!, 1e-12)
    emit(
        String(
            format: "HVP check: ‖Hv (double backward) − Hv (finite differences)‖∞ / ‖Hv‖∞ = %.2e over %d parameters",
            error, exact.count))
}
