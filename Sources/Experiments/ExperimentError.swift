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
    /// A NaN or infinity outside an epoch/batch loop (`position` says where, e.g. "step 12").
    case nonFiniteValue(position: String, value: Float, firstLayer: String?)
    /// SIGINT/SIGTERM stopped the run; `checkpoint` (when there is a run folder) holds the exact position.
    case interrupted(signal: String, checkpoint: String?, position: String, resume: String)

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
                + (layer.map { "; the first non-finite gradient or weight was in \($0)" } ?? "")
                + ". The last good checkpoint is kept; lower the learning rate or set a gradient clip (--clip)."
        case .invalidArgument(let problem): return problem
        case .nonFiniteValue(let position, let value, let layer):
            return "training stopped: a non-finite value (\(value)) appeared at \(position)"
                + (layer.map { "; the first non-finite gradient or weight was in \($0)" } ?? "")
                + ". The last good checkpoint is kept; lower the learning rate or set a gradient clip (--clip)."
        case .interrupted(let signal, let checkpoint, let position, let resume):
            return "interrupted by \(signal) \(position); "
                + (checkpoint.map { "saved a checkpoint to \($0). Resume with: \(resume)" } ?? "no run folder, nothing was saved")
        }
    }
}
