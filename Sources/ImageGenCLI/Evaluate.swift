import ArgumentParser
import Experiments

extension EvaluationPartition: ExpressibleByArgument {}

/// `imagegen evaluate`: measures a trained model (or a baseline) on its dataset's test (or validation) images.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a trained model: MSE, PSNR and SSIM; for completion runs also samples, diversity, likelihood and the judge's measures.",
        discussion: """
            Completion runs: hidden-pixel MSE of one sample and of the mean of --samples, diversity, bits per hidden pixel (pixelcnn),
            and with --judge (a run of `imagegen classifier train`) class consistency and the Fréchet distance in that judge's
            features (FID's formula on ImageGen's own classifier: not comparable with Inception-FID).
            Baselines: imagegen evaluate --baseline mean-image --judge runs/judge-fashion-mnist
                       imagegen evaluate --baseline telea.idx --judge runs/judge-fashion-mnist   (from bench/inpainting_baselines.py)
            """)

    @Option(name: .customLong("run"), help: "Run folder holding config.json and model.safetensors.") var runFolder: String?
    @Option(help: "Instead of a run: mean-image, or an IDX file of completed test images (one per test image, in order).")
    var baseline: String?
    @Option(help: "Dataset of a --baseline.") var dataset = "fashion-mnist"
    @Option(help: "Mask of a --baseline: \(MaskKind.names.joined(separator: ", ")).") var mask = MaskKind.bottom
    @Option(help: "Partition: test or validation.") var partition = EvaluationPartition.test
    @Option(name: .customLong("data-dir"), help: "Folder holding the dataset files (default: the run's).") var dataFolder: String?
    @Option(help: "Classifier run that judges completions (imagegen classifier train).") var judge: String?
    @Option(help: "Samples per image for the mean-of-samples MSE and the diversity.") var samples = 8
    @Option(help: "Sampling temperature of a pixelcnn run.") var temperature: Float = 1
    @Option(help: "Seed of the samples.") var seed: UInt64 = 0

    func validate() throws {
        guard (runFolder == nil) != (baseline == nil) else { throw ValidationError("give either --run or --baseline") }
        guard samples >= 2 else { throw ValidationError("--samples \(samples): must be ≥ 2 to measure the mean of samples and diversity") }
        guard temperature.isFinite, temperature >= 0 else { throw ValidationError("--temperature \(temperature): must be a finite number ≥ 0") }
    }

    func run() throws {
        if let baseline {
            let kind: CompletionBaseline = baseline == "mean-image" ? .meanImage : .completions(baseline)
            let measures = try validating { try measureBaseline(kind, dataset: dataset, mask: mask, judge: judge, samples: samples, dataFolder: dataFolder) }
            print("baseline \(baseline) on test (\(measures.images) images):")
            for line in measures.lines { print("  \(line)") }
            return
        }
        let run = runFolder!
        let (model, result) = try evaluateRun(run, partition: partition, dataFolder: dataFolder)
        print("\(model) on \(partition.rawValue) (\(result.images) images): \(result.summary)")
        guard result.hiddenMeanSquaredError != nil else { return }
        let (_, measures) = try validating {
            try measureCompletions(run: run, judge: judge, samples: samples, temperature: temperature, seed: seed, partition: partition,
                                   dataFolder: dataFolder)
        }
        for line in measures.lines { print("  \(line)") }
    }
}
