/// Errors a user can cause when running experiments.
public enum ExperimentError: Error, CustomStringConvertible, Equatable {
    case unknownDataset(String)
    case unknownModel(String)
    case unknownTask(String)
    case unknownMask(String)
    case missingFile(String)
    case invalidFile(String, String)
    case runFolderExists(String)
    case nonFiniteLoss(epoch: Int, batch: Int, value: Float, firstLayer: String?)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .unknownDataset(let name):
            return "unknown dataset '\(name)' (expected mnist, fashion-mnist, emnist-<split>, cifar100, cifar10, lfw or folder:PATH)"
        case .unknownModel(let name): return "unknown model '\(name)' (expected dense, cnn, cnn-lstm or completion)"
        case .unknownTask(let name): return "unknown task '\(name)' (expected reconstruct or complete)"
        case .unknownMask(let name): return "unknown mask '\(name)'"
        case .missingFile(let path): return "\(path): no such file"
        case .invalidFile(let path, let problem): return "\(path): \(problem)"
        case .runFolderExists(let path):
            return "run folder \(path) already exists; choose another --name, pass --resume to continue it, or --overwrite to replace it"
        case .nonFiniteLoss(let epoch, let batch, let value, let layer):
            return "training stopped: the loss became \(value) at epoch \(epoch), batch \(batch)"
                + (layer.map { "; the first non-finite gradient was in \($0)" } ?? "")
                + ". The last good checkpoint is kept; lower the learning rate or set a gradient clip."
        case .invalidArgument(let problem): return problem
        }
    }
}
