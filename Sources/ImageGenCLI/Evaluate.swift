import ArgumentParser
import Data
import Experiments

/// `imagegen evaluate`: measures a trained model on its dataset's test (or validation) images.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure a trained model: MSE, PSNR and SSIM, all and hidden pixels.")

    @Option(name: .customLong("run"), help: "Run folder holding config.json and model.safetensors.") var runFolder: String
    @Option(help: "Partition: test or validation.") var partition = "test"
    @Option(name: .customLong("data-dir"), help: "Folder holding the dataset files (default: the run's).") var dataFolder: String?

    func run() throws {
        let trained = try TrainedModel(runFolder: runFolder)
        let c = trained.configuration
        let dataset: ImageDataset
        switch partition {
        case "test": dataset = try DatasetCatalog.load(c.dataset, folder: dataFolder ?? c.dataFolder, partition: .test)
        case "validation":
            let full = try DatasetCatalog.load(c.dataset, folder: dataFolder ?? c.dataFolder, partition: .train)
            dataset = try full.split(validationFraction: c.validationFraction, seed: c.seed).validation
        default: throw ValidationError("--partition must be test or validation, got \(partition)")
        }
        let result = try evaluate(dataset, mask: trained.mask, structuralSimilarity: true) { trained.model(trained.input(for: $0)) }
        print("\(trained.model.name) on \(c.dataset) \(partition) (\(result.images) images): \(result.summary)")
    }
}
