import Engine

/// A fully connected layer: y = activation(x · Wᵀ + b), W stored `[out, in]` as in PyTorch.
///
/// ```swift
/// var rng = RandomGenerator(seed: 1)
/// let dense = Linear(inputSize: 784, outputSize: 32, using: &rng)
/// let y = dense(x) // x: [batch, 784] → [batch, 32]
/// ```
public final class Linear: Layer {
    public let weight: Tensor
    public let bias: Tensor?
    public let activation: Activation

    public init(inputSize: Int, outputSize: Int, activation: Activation = .identity, useBias: Bool = true,
                initializer: Initializer = .uniformFanIn, biasInitializer: Initializer? = nil, using rng: inout RandomGenerator) {
        weight = initializer.parameter([outputSize, inputSize], fanIn: inputSize, fanOut: outputSize, using: &rng)
        bias = useBias
            ? (biasInitializer ?? initializer.matchingBias).parameter([outputSize], fanIn: inputSize, fanOut: outputSize, using: &rng)
            : nil
        self.activation = activation
    }

    public var inputSize: Int { weight.shape[1] }
    public var outputSize: Int { weight.shape[0] }

    public var parameters: [Parameter] {
        [Parameter(name: "weight", tensor: weight)] + (bias.map { [Parameter(name: "bias", tensor: $0)] } ?? [])
    }

    /// Applies the layer to `[batch, inputSize]` (any leading shape is flattened to rows).
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let rows = input.rank == 2 ? input : input.reshaped(to: [-1, inputSize])
        return activation(Tensor.linear(rows, weight: weight, bias: bias))
    }
}
