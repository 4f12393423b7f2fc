import Foundation
import Testing
@testable import NN
import Engine

/// Default initialisers follow spec §6: PyTorch Linear U(±1/√fan_in) for weight and bias; Keras Glorot-uniform
/// kernels with zero bias; LSTM U(±1/√H); Embedding N(0, 1).
@Suite struct InitializerTests {
    /// All values within ±bound and reaching close to it (a uniform sample of ≥ 200 values).
    func expectUniform(_ t: Tensor, bound: Float, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let values = t.scalars
        let largest = values.map(Swift.abs).max() ?? 0
        #expect(largest <= bound && largest > 0.9 * bound, "\(label): max |w| \(largest), bound \(bound)", sourceLocation: sourceLocation)
        let mean = values.reduce(0, +) / Float(values.count)
        #expect(Swift.abs(mean) < 0.2 * bound, "\(label): mean \(mean)", sourceLocation: sourceLocation)
    }

    @Test func placeholderWeightsDrawNothingAndEndWithTheScope() {
        var rng = RandomGenerator(seed: 5)
        let before = rng.stateWords
        let placeholder = Initializer.withPlaceholderWeights { Linear(inputSize: 30, outputSize: 20, using: &rng) }
        #expect(rng.stateWords == before)
        #expect(placeholder.weight.shape == [20, 30])
        let drawn = Linear(inputSize: 30, outputSize: 20, using: &rng)
        #expect(rng.stateWords != before)
        expectUniform(drawn.weight, bound: 1 / Float(30).squareRoot(), "Linear after the placeholder scope")
    }

    @Test func defaults() {
        var rng = RandomGenerator(seed: 99)
        let linear = Linear(inputSize: 50, outputSize: 40, using: &rng)
        expectUniform(linear.weight, bound: 1 / Float(50).squareRoot(), "Linear weight")
        #expect(linear.bias!.scalars.allSatisfy { Swift.abs($0) <= 1 / Float(50).squareRoot() })
        #expect(Set(linear.bias!.scalars).count > 30)

        let conv = Conv2D(inputChannels: 4, outputChannels: 8, kernelSize: (3, 3), using: &rng)
        expectUniform(conv.weight, bound: (6 / Float(4 * 9 + 8 * 9)).squareRoot(), "Conv2D glorot")
        #expect(conv.bias!.scalars.allSatisfy { $0 == 0 })

        let transposed = Conv2DTranspose(inputChannels: 8, outputChannels: 4, kernelSize: (3, 3), using: &rng)
        expectUniform(transposed.weight, bound: (6 / Float(4 * 9 + 8 * 9)).squareRoot(), "Conv2DTranspose glorot")
        #expect(transposed.bias!.scalars.allSatisfy { $0 == 0 })

        let torchConv = Conv2D(inputChannels: 4, outputChannels: 8, kernelSize: (3, 3), initializer: .uniformFanIn, using: &rng)
        expectUniform(torchConv.weight, bound: 1 / Float(36).squareRoot(), "Conv2D uniformFanIn")
        #expect(torchConv.bias!.scalars.contains { $0 != 0 })

        let lstm = LSTM(inputSize: 10, hiddenSize: 16, using: &rng)
        expectUniform(lstm.weightHH, bound: 0.25, "LSTM weight_hh")
        expectUniform(lstm.weightIH, bound: 0.25, "LSTM weight_ih")

        let embedding = Embedding(count: 100, dimensions: 20, using: &rng)
        let v = embedding.weight.scalars.map(Double.init)
        let mean = v.reduce(0, +) / Double(v.count)
        let sd = (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count)).squareRoot()
        #expect(Swift.abs(mean) < 0.1 && Swift.abs(sd - 1) < 0.1, "Embedding N(0,1): mean \(mean) sd \(sd)")
    }
}
