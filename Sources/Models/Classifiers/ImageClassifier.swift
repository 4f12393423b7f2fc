import Engine
import NN

/// A small CNN classifier, ImageGen's judge of completions: two blocks of two 3×3 ReLU convolutions and a 2×2 max
/// pool (32 then 64 filters), a 128-wide ReLU dense layer (the features the Fréchet distance compares) and the
/// class logits. Input `[N, H, W, C]` in [0, 1].
public final class ImageClassifier: Module {
    public let imageShape: [Int]
    let convolutions: [Conv2D]
    let pool = MaxPool2D()
    let featureLayer: Linear
    let output: Linear

    public init(imageShape: [Int], classCount: Int, width: Int = 32, featureSize: Int = 128, using rng: inout RandomGenerator) throws {
        guard imageShape.count == 3, imageShape[0] >= 4, imageShape[1] >= 4, classCount >= 2 else {
            throw ModelError.invalidConfiguration(model: "image classifier", problem: "needs images of at least 4×4 and 2 classes, got \(imageShape), \(classCount)")
        }
        self.imageShape = imageShape
        let channels = [imageShape[2], width, width, 2 * width, 2 * width]
        convolutions = (0..<4).map { i in
            Conv2D(inputChannels: channels[i], outputChannels: channels[i + 1], kernelSize: (3, 3), activation: .relu, using: &rng)
        }
        let flat = (imageShape[0] / 4) * (imageShape[1] / 4) * 2 * width
        featureLayer = Linear(inputSize: flat, outputSize: featureSize, activation: .relu, initializer: .glorotUniform, using: &rng)
        output = Linear(inputSize: featureSize, outputSize: classCount, initializer: .glorotUniform, using: &rng)
    }

    public var classCount: Int { output.outputSize }
    public var featureSize: Int { featureLayer.outputSize }

    public var parameters: [Parameter] {
        convolutions.enumerated().flatMap { $0.element.parameters.prefixed("conv\($0.offset + 1)") }
            + featureLayer.parameters.prefixed("features") + output.parameters.prefixed("output")
    }

    /// The penultimate-layer features `[N, featureSize]`.
    public func features(_ images: Tensor) -> Tensor {
        var x = images
        for (i, conv) in convolutions.enumerated() {
            x = conv(x)
            if i % 2 == 1 { x = pool(x) }
        }
        return featureLayer(x.reshaped(to: [images.shape[0], -1]))
    }

    /// Class logits `[N, classes]`.
    public func callAsFunction(_ images: Tensor) -> Tensor { output(features(images)) }

    /// The most likely class of each image, and the features it was decided from.
    public func classify(_ images: Tensor) -> (classes: [Int], features: Tensor) {
        withoutGradients {
            let f = features(images)
            let logits = output(f)
            let k = logits.shape[1], p = logits.storage.pointer
            return ((0..<logits.shape[0]).map { r in (0..<k).max { p[r * k + $0] < p[r * k + $1] }! }, f)
        }
    }
}
