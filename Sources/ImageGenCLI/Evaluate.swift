import ArgumentParser
import Experiments

extension EvaluationPartition: ExpressibleByArgument {}

/// `imagegen evaluate`: measures a trained model on its dataset's test (or validation) images.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure a trained model: MSE, PSNR and SSIM, all and hidden pixels.")

    @Option(name: .customLong("run"), help: "Run folder holding config.json and model.safetensors.") var runFolder: String
    @Option(help: "Partition: test or validation.") var partition = EvaluationPartition.test
    @Option(name: .customLong("data-dir"), help: "Folder holding the dataset files (default: the run's).") var dataFolder: String?

    func run() throws {
        let (model, result) = try evaluateRun(runFolder, partition: partition, dataFolder: dataFolder)
        print("\(model) on \(partition.rawValue) (\(result.images) images): \(result.summary)")
    }
}
