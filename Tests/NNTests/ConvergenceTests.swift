import Engine
import Foundation
@testable import NN
import Testing
import TestSupport

/// Tiny end-to-end training runs: layers, losses, backward and optimisers together must actually learn.
@Suite struct ConvergenceTests {
    @Test func xorMLP() {
        var rng = RandomGenerator(seed: 42)
        let model = Sequential([
            Linear(inputSize: 2, outputSize: 8, activation: .tanh, using: &rng),
            Linear(inputSize: 8, outputSize: 1, activation: .sigmoid, using: &rng),
        ])
        let x = Tensor(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1])
        let y = Tensor(shape: [4, 1], scalars: [0, 1, 1, 0])
        let adam = Adam(learningRate: 0.05)
        var loss: Float = .infinity
        for _ in 0..<1000 {
            model.zeroGradients()
            let l = binaryCrossEntropy(predictions: model(x), targets: y)
            loss = l.scalar
            if loss < 0.02 { break }
            l.backward()
            adam.update(model.parameters)
        }
        #expect(loss < 0.05, "XOR loss \(loss)")
        let predictions = withoutGradients { model(x) }.scalars.map { $0 > 0.5 ? Float(1) : 0 }
        #expect(predictions == [0, 1, 1, 0])
    }

    @Test func smallConvNet() {
        var rng = RandomGenerator(seed: 7)
        let model = Sequential([
            Conv2D(inputChannels: 1, outputChannels: 4, kernelSize: (3, 3), activation: .relu, using: &rng),
            MaxPool2D(),
            Flatten(),
            Linear(inputSize: 4 * 4 * 4, outputSize: 2, using: &rng),
        ])
        // Six 8×8 images; targets: mean brightness of the top half and of the left half.
        let count = 6
        let images = randomTensor([count, 8, 8, 1], &rng, low: 0, high: 1)
        var targets: [Float] = []
        for n in 0..<count {
            let px = Array(images.scalars[(n * 64)..<((n + 1) * 64)])
            targets.append((0..<32).map { px[$0] }.reduce(0, +) / 32)
            targets.append((0..<64).filter { $0 % 8 < 4 }.map { px[$0] }.reduce(0, +) / 32)
        }
        let y = Tensor(shape: [count, 2], scalars: targets)
        let initial = withoutGradients { mseLoss(predictions: model(images), targets: y).scalar }
        let adam = Adam(learningRate: 0.01)
        var loss: Float = .infinity
        for _ in 0..<400 {
            model.zeroGradients()
            let l = mseLoss(predictions: model(images), targets: y)
            loss = l.scalar
            if loss < 1e-4 { break }
            l.backward()
            adam.update(model.parameters)
        }
        #expect(loss < 1e-3 && loss < initial / 50, "conv net MSE \(loss) (initially \(initial))")
    }

    /// Echo task: at each step output the previous step's input.
    @Test func lstmEchoesThePreviousInput() {
        var rng = RandomGenerator(seed: 11)
        let lstm = LSTM(inputSize: 1, hiddenSize: 8, using: &rng)
        let head = Linear(inputSize: 8, outputSize: 1, using: &rng)
        let (batch, steps) = (16, 5)
        let x = randomTensor([batch, steps, 1], &rng)
        var target = [Float](repeating: 0, count: batch * (steps - 1))
        for b in 0..<batch { for t in 1..<steps { target[b * (steps - 1) + t - 1] = x.scalars[b * steps + t - 1] } }
        let y = Tensor(shape: [batch * (steps - 1), 1], scalars: target)
        let parameters = lstm.parameters + head.parameters.prefixed("head")
        let adam = Adam(learningRate: 0.03)
        func forward() -> Tensor {
            let outputs = lstm(x).outputs.slice(axis: 1, 1..<steps)
            return mseLoss(predictions: head(outputs.reshaped(to: [batch * (steps - 1), 8])), targets: y)
        }
        let initial = withoutGradients { forward().scalar }
        var loss: Float = .infinity
        for _ in 0..<400 {
            for p in parameters { p.tensor.zeroGradient() }
            let l = forward()
            loss = l.scalar
            if loss < 1e-3 { break }
            l.backward()
            adam.update(parameters)
        }
        #expect(loss < 5e-3 && loss < initial / 20, "LSTM echo MSE \(loss) (initially \(initial))")
    }
}
