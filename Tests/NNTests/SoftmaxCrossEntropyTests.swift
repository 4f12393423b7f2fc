import Engine
import Foundation
import NN
import Testing
import TestSupport

@Suite struct SoftmaxCrossEntropyTests {
    @Test func equalLogitsGiveLogTwo() {
        let logits = Tensor(shape: [1, 2], scalars: [0, 0], requiresGradient: true)
        let loss = softmaxCrossEntropy(logits: logits, labels: [1])
        #expect(abs(loss.scalar - Float(log(2.0))) <= 1e-6)
        loss.backward()
        #expect(logits.gradient!.scalars == [0.5, -0.5])
    }

    /// Hand computation: row (1, 2, 3) with label 2 costs log(1 + e⁻¹ + e⁻²) = 0.4076060, row (0, 0, 0) with
    /// label 0 costs log 3; the mean is 0.7531091. The gradient is (softmax − one-hot) / N.
    @Test func matchesHandComputation() {
        let logits = Tensor(shape: [2, 3], scalars: [1, 2, 3, 0, 0, 0], requiresGradient: true)
        let loss = softmaxCrossEntropy(logits: logits, labels: [2, 0])
        #expect(abs(loss.scalar - 0.7531091) <= 1e-6)
        loss.backward()
        expectClose(logits.gradient!, [0.0450153, 0.1223642, -0.1673795, -0.3333333, 0.1666667, 0.1666667], shape: [2, 3],
                    tolerance: 1e-6)
    }

    /// The maximum is subtracted before exponentiating, so large logits do not overflow:
    /// (1000, 999) with label 1 costs log(1 + e) = 1.3132617.
    @Test func largeLogitsDoNotOverflow() {
        let loss = softmaxCrossEntropy(logits: Tensor(shape: [1, 2], scalars: [1000, 999]), labels: [1])
        #expect(abs(loss.scalar - 1.3132617) <= 1e-5)
    }

    @Test func gradientMatchesFiniteDifferences() {
        var rng = RandomGenerator(seed: 7)
        expectGradientsMatch([randomTensor([3, 4], &rng, low: -2, high: 2)]) { softmaxCrossEntropy(logits: $0[0], labels: [3, 0, 1]) }
    }
}
