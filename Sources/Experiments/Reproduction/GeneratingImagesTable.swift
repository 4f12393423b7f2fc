/// One row of the "Generating Images" article's results table (spec §5), with the settings that produced it.
public struct ArticleResult: Sendable {
    public var dataset: String
    public var description: String
    public var model: AutoencoderModel
    public var task: AutoencoderTask
    public var latentSize: Int
    public var kernelSize: Int
    public var activation: String
    public var encoderFilters: [Int]
    public var decoderFilters: [Int]
    public var optimizer: OptimizerChoice
    /// The epochs the article trained this row.
    public var epochs: Int
    public var articleMSE: Double
    /// The training images the article used: its dataset's training set less the 20 % it held out for validation.
    public var trainingImages: Int { GeneratingImagesTable.articleTrainingImages(for: dataset) ?? 0 }
}

/// The article's table: final MSE on the test split (LFW: validation), one entry per latent size.
public enum GeneratingImagesTable {
    static func rows(_ dataset: String, _ description: String, model: AutoencoderModel, task: AutoencoderTask, latents: [Int], epochs: [Int],
                     optimizer: OptimizerChoice, mse: [Double], kernel: Int = 5, activation: String = "relu",
                     encoder: [Int] = [32, 64, 128, 256], decoder: [Int] = [128, 64, 32], optimizers: [OptimizerChoice]? = nil) -> [ArticleResult] {
        latents.indices.map { i in
            ArticleResult(dataset: dataset, description: description, model: model, task: task, latentSize: latents[i],
                          kernelSize: kernel, activation: activation, encoderFilters: encoder, decoderFilters: decoder,
                          optimizer: optimizers?[i] ?? optimizer, epochs: epochs[min(i, epochs.count - 1)], articleMSE: mse[i])
        }
    }

    /// Every row of the table. Fashion-MNIST, which the article did not use, runs the MNIST rows.
    public static let all: [ArticleResult] =
        rows("mnist", "basic, reconstruction", model: .dense, task: .reconstruct, latents: [32], epochs: [20], optimizer: .adam, mse: [0.0170])
        + rows("mnist", "basic, occlusion", model: .dense, task: .complete, latents: [64], epochs: [10], optimizer: .adam, mse: [0.0234])
        + rows("mnist", "deep 5×5, reconstruction", model: .cnn, task: .reconstruct, latents: [32], epochs: [15], optimizer: .adamax, mse: [0.00304])
        + rows("mnist", "deep 5×5, occlusion", model: .cnn, task: .complete, latents: [32, 128, 512], epochs: [15], optimizer: .adam,
               mse: [0.0150, 0.0147, 0.0146])
        + rows("lfw", "basic, reconstruction", model: .dense, task: .reconstruct, latents: [32], epochs: [15], optimizer: .adam, mse: [0.0056])
        + rows("lfw", "basic, occlusion", model: .dense, task: .complete, latents: [64], epochs: [15], optimizer: .adam, mse: [0.0078])
        + rows("lfw", "deep 3×3, three conv layers, reconstruction", model: .cnn, task: .reconstruct, latents: [16], epochs: [25],
               optimizer: .adam, mse: [0.0068], kernel: 3, encoder: [32, 64, 128], decoder: [64, 32])
        + rows("lfw", "deep 5×5 ELU, reconstruction", model: .cnn, task: .reconstruct, latents: [32, 64], epochs: [15], optimizer: .adam,
               mse: [0.0053, 0.0038], activation: "elu", optimizers: [.adamax, .adam])
        + rows("lfw", "deep 5×5 ELU, occlusion", model: .cnn, task: .complete, latents: [64, 128, 512], epochs: [20, 20, 25], optimizer: .adam,
               mse: [0.0080, 0.0076, 0.0075], activation: "elu")
        + rows("cifar100", "basic, reconstruction", model: .dense, task: .reconstruct, latents: [32], epochs: [10], optimizer: .adam, mse: [0.0139])
        + rows("cifar100", "basic, occlusion", model: .dense, task: .complete, latents: [64], epochs: [10], optimizer: .adam, mse: [0.0232])
        + rows("cifar100", "deep 5×5, reconstruction", model: .cnn, task: .reconstruct, latents: [32], epochs: [15], optimizer: .adamax, mse: [0.0116])
        + rows("cifar100", "deep 5×5, occlusion", model: .cnn, task: .complete, latents: [64, 128, 512], epochs: [10, 10, 15], optimizer: .adam,
               mse: [0.0234, 0.0231, 0.0228])

    /// What the article trained on for each of its datasets: the images available for training and how many of
    /// them it used after holding 20 % out for validation (`round(0.2 · count)`, as `DatasetSplit` does).
    public static let articleImages: [String: (available: Int, training: Int)] = [
        "mnist": (60_000, 48_000), "cifar100": (50_000, 40_000), "lfw": (13_233, 10_586),
    ]

    /// The training images the article used for `dataset`'s rows (`fashion-mnist` runs MNIST's rows: 48,000).
    public static func articleTrainingImages(for dataset: String) -> Int? {
        articleImages[dataset == "fashion-mnist" ? "mnist" : dataset]?.training
    }

    /// A sentence saying what the article trained on, for the reports.
    public static func articleDataNote(for dataset: String) -> String? {
        let source = dataset == "fashion-mnist" ? "mnist" : dataset
        guard let counts = articleImages[source], let name = ["mnist": "MNIST", "cifar100": "CIFAR-100", "lfw": "LFW"][source] else { return nil }
        let images = source == "lfw" ? "images (LFW has no test split)" : "training images"
        return "The article trained on \(ReportFormat.grouped(counts.training)) of \(name)'s \(ReportFormat.grouped(counts.available)) \(images), "
            + "holding 20 % out for validation."
    }

    /// The rows to run for `dataset` (`fashion-mnist` runs MNIST's settings).
    public static func rows(for dataset: String) throws -> [ArticleResult] {
        let source = dataset == "fashion-mnist" ? "mnist" : dataset
        let selected = all.filter { $0.dataset == source }
        guard !selected.isEmpty else { throw ExperimentError.unknownDataset(dataset) }
        return selected
    }

    /// The training configuration that reproduces `row` on `dataset` (Keras's Adam/Adamax ε 1e-7, lr 1e-3, batch 32).
    public static func configuration(for row: ArticleResult, dataset: String) -> TrainingConfiguration {
        var c = TrainingConfiguration()
        c.dataset = dataset
        c.model = row.model
        c.task = row.task
        c.mask = .bottom
        c.latentSize = row.latentSize
        c.kernelSize = row.kernelSize
        c.activation = row.activation
        c.encoderFilters = row.encoderFilters
        c.decoderFilters = row.decoderFilters
        c.optimizer = row.optimizer
        c.learningRate = 1e-3
        c.epsilonConvention = .keras
        c.epsilon = 1e-7
        c.epochs = row.epochs
        c.batchSize = 32
        return c
    }
}
