import Engine
import Foundation
import Models
import NN

/// A model restored from a run folder: its configuration, weights and (for completion) its mask.
public struct TrainedModel {
    public let configuration: TrainingConfiguration
    public let model: any ImageAutoencoder
    public let mask: Tensor?

    /// Loads `folder/config.json` and `folder/model.safetensors`, checking that they belong together.
    public init(runFolder folder: String) throws {
        let configuration = try TrainingConfiguration.decode(from: "\(folder)/config.json")
        let checkpoint = "\(folder)/model.safetensors"
        guard FileManager.default.fileExists(atPath: checkpoint) else { throw ExperimentError.missingFile(checkpoint) }
        let metadata = try SafeTensors.readMetadata(checkpoint)
        guard let shape = metadata["image_shape"]?.split(separator: ",").compactMap({ Int($0) }), shape.count == 3 else {
            throw ExperimentError.invalidFile(checkpoint, "checkpoint metadata has no image_shape")
        }
        let mask = configuration.task == "complete"
            ? try MaskCatalog.mask(named: configuration.mask, height: shape[0], width: shape[1], seed: configuration.seed) : nil
        var rng = RandomGenerator(seed: configuration.seed)
        // Every weight comes from the checkpoint (a missing one is an error), so none is drawn at random first.
        let model = try Initializer.withPlaceholderWeights {
            try ModelCatalog.model(for: configuration, imageShape: shape, mask: mask, using: &rng)
        }
        try Checkpoint.load(checkpoint, into: model)
        self.configuration = configuration
        self.model = model
        self.mask = mask
    }

    /// The network's input for `images`: masked for completion.
    public func input(for images: Tensor) -> Tensor { mask.map { images * $0 } ?? images }

    /// Runs the model on `images` without recording gradients; throws when their shape does not fit.
    public func predict(_ images: Tensor) throws -> Tensor {
        try model.validate(images)
        return withoutGradients { model(input(for: images)) }
    }
}
