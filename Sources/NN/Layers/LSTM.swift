import Engine

/// A single-layer LSTM with PyTorch's gate order (input, forget, cell, output) and weight layout:
/// `weight_ih [4H, in]`, `weight_hh [4H, H]`, `bias_ih [4H]`, `bias_hh [4H]`, all U(±1/√H) initially.
///
/// Each step: z = x·Wᵢₕᵀ + bᵢₕ + h·Wₕₕᵀ + bₕₕ; i, f, o = σ(z…), g = tanh(z…); c ← f·c + i·g; h ← o·tanh(c).
public final class LSTM: Module {
    public let weightIH: Tensor
    public let weightHH: Tensor
    public let biasIH: Tensor
    public let biasHH: Tensor

    public init(inputSize: Int, hiddenSize: Int, using rng: inout RandomGenerator) {
        let bound = 1 / Float(hiddenSize).squareRoot()
        func draw(_ shape: [Int]) -> Tensor { Tensor.uniform(shape, low: -bound, high: bound, using: &rng).asParameter() }
        weightIH = draw([4 * hiddenSize, inputSize])
        weightHH = draw([4 * hiddenSize, hiddenSize])
        biasIH = draw([4 * hiddenSize])
        biasHH = draw([4 * hiddenSize])
    }

    public var inputSize: Int { weightIH.shape[1] }
    public var hiddenSize: Int { weightHH.shape[1] }

    public var parameters: [Parameter] {
        [Parameter(name: "weight_ih_l0", tensor: weightIH), Parameter(name: "weight_hh_l0", tensor: weightHH),
         Parameter(name: "bias_ih_l0", tensor: biasIH), Parameter(name: "bias_hh_l0", tensor: biasHH)]
    }

    /// One step: returns the new hidden and cell states, each `[N, H]`.
    public func step(_ x: Tensor, hidden: Tensor, cell: Tensor) -> (hidden: Tensor, cell: Tensor) {
        let hs = hiddenSize
        let z = Tensor.linear(x, weight: weightIH, bias: biasIH) + Tensor.linear(hidden, weight: weightHH, bias: biasHH)
        let i = z.slice(axis: 1, 0..<hs).sigmoid()
        let f = z.slice(axis: 1, hs..<(2 * hs)).sigmoid()
        let g = z.slice(axis: 1, (2 * hs)..<(3 * hs)).tanh()
        let o = z.slice(axis: 1, (3 * hs)..<(4 * hs)).sigmoid()
        let c = f * cell + i * g
        return (o * c.tanh(), c)
    }

    /// Runs over `[N, T, in]` from the given (or zero) state; returns all hidden states `[N, T, H]`
    /// and the final state.
    public func callAsFunction(_ sequence: Tensor, initialHidden: Tensor? = nil, initialCell: Tensor? = nil)
        -> (outputs: Tensor, hidden: Tensor, cell: Tensor)
    {
        precondition(sequence.rank == 3 && sequence.shape[2] == inputSize,
                     "LSTM: input must be [N, T, \(inputSize)], got \(sequence.shape)")
        let (n, steps) = (sequence.shape[0], sequence.shape[1])
        var h = initialHidden ?? Tensor(zeros: [n, hiddenSize])
        var c = initialCell ?? Tensor(zeros: [n, hiddenSize])
        var outputs: [Tensor] = []
        for t in 0..<steps {
            let x = sequence.slice(axis: 1, t..<(t + 1)).reshaped(to: [n, inputSize])
            (h, c) = step(x, hidden: h, cell: c)
            outputs.append(h.reshaped(to: [n, 1, hiddenSize]))
        }
        return (Tensor.concatenate(outputs, axis: 1), h, c)
    }
}
