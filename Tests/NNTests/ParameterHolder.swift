import Engine
@testable import NN

/// Gives every leaf in `parameters` exactly `gradients[i]` as its accumulated gradient (via L = Σ p·G).
func setGradients(_ parameters: [Parameter], _ gradients: [[Float]]) {
    var loss: Tensor?
    for (p, g) in zip(parameters, gradients) {
        p.tensor.zeroGradient()
        let term = (p.tensor * Tensor(shape: p.tensor.shape, scalars: g)).sum()
        loss = loss.map { $0 + term } ?? term
    }
    loss?.backward()
}

/// A single named parameter, for optimiser tests.
final class ParameterHolder: Module {
    let tensor: Tensor
    init(_ values: [Float], shape: [Int]? = nil) {
        tensor = Tensor(shape: shape ?? [values.count], scalars: values, requiresGradient: true)
    }
    var parameters: [Parameter] { [Parameter(name: "p", tensor: tensor)] }
}
