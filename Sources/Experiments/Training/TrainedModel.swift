import Data
import Engine
import Foundation
import Models
import NN

/// A model restored from a run folder for inference: its configuration first, then a model built with placeholder
/// weights (none drawn at random) and its weights read straight from `model.safetensors`.
public struct TrainedModel {
    public let configuration: TrainingConfiguration
    public let model: any ImageAutoencoder
    public let mask: ImageMask?

    /// Loads `folder/config.json` and `folder/model.safetensors`, checking that they belong together; a folder of
    /// another job is refused, naming what it holds.
    public init(runFolder folder: String) throws {
        var mask: ImageMask?
        (configuration, model) = try loadTrainedNetwork(TrainingConfiguration.self, run: folder, build: { c, rng in
            let path = RunFolder.networkPath(in: folder, "model")
            guard let shape = try SafeTensors.readMetadata(path)["image_shape"]?.split(separator: ",").compactMap({ Int($0) }),
                  shape.count == 3 else { throw ExperimentError.invalidFile(path, "checkpoint metadata has no image_shape") }
            mask = try c.occlusion(height: shape[0], width: shape[1])
            return try ModelCatalog.model(for: c, imageShape: shape, mask: mask, using: &rng)
        }, module: { $0 })
        self.mask = mask
    }

    /// The network's input for `images`: masked for completion.
    public func input(for images: Tensor) -> Tensor { mask?.occlude(images) ?? images }

    /// Runs the model on `images` without recording gradients; throws when their shape does not fit.
    public func predict(_ images: Tensor) throws -> Tensor {
        try model.validate(images)
        return withoutGradients { model(input(for: images)) }
    }
}

/// The one way a trained network is loaded for inference: the run's configuration first (refusing another job's
/// folder), the network built with placeholder weights (none drawn at random), then its weights read strictly.
func loadTrainedNetwork<C: JobConfiguration, Network>(_ type: C.Type, run: String, build: (C, inout RandomGenerator) throws -> Network,
                                                       module: (Network) -> Module) throws -> (configuration: C, network: Network) {
    let configuration = try RunConfiguration.read(C.self, from: run)
    var rng = RandomGenerator(seed: 0)
    let network = try Initializer.withPlaceholderWeights { try build(configuration, &rng) }
    try Checkpoint.load(RunFolder.networkPath(in: run, "model"), into: module(network))
    return (configuration, network)
}

/// The generator of a background run.
public func loadBackgroundModel(run: String) throws -> any BackgroundModel {
    try loadTrainedNetwork(BackgroundConfiguration.self, run: run, build: { c, rng in
        try makeBackgroundModel(kind: c.kind.rawValue, hiddenSize: c.hiddenSize, using: &rng)
    }, module: { $0 }).network
}

/// The generator of a letter-GAN run.
public func loadLetterGenerator(run: String) throws -> ConditionalGenerator {
    try loadTrainedNetwork(GANConfiguration.self, run: run, build: { c, rng in ConditionalGenerator(hiddenSize: c.hiddenSize, using: &rng) },
                           module: { $0 }).network
}
