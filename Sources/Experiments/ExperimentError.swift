/// Problems running an experiment, each naming the file, flag or position involved.
public enum ExperimentError: Error, CustomStringConvertible, Equatable {
    case unknownDataset(String)
    case unknownModel(String)
    case unknownMask(String)
    case missingFile(String)
    case invalidFile(String, String)
    case runFolderExists(String)
    case nonFiniteLoss(epoch: Int, batch: Int, value: Float, firstLayer: String?)
    case invalidArgument(String)
    /// A flag's value outside its allowed range (`allowed` says what is).
    case invalidFlag(flag: String, value: String, allowed: String)
    /// A dataset with no images to train or measure on.
    case emptyDataset(name: String, partition: String, count: Int)
    /// A NaN or infinity outside an epoch/batch loop (`position` says where, e.g. "step 12").
    case nonFiniteValue(position: String, value: Float, firstLayer: String?)
    /// SIGINT/SIGTERM stopped the run; when there is a run folder its checkpoint holds the exact position.
    case interrupted(Interruption.Stop)
    /// A run folder written by another format version.
    case unsupportedRunFormat(path: String, version: Int)
    /// A run folder of another job given to a command.
    case wrongJob(folder: String, holds: JobKind, expected: JobKind)

    public var description: String {
        switch self {
        case .unknownDataset(let name):
            return "unknown dataset '\(name)' (expected mnist, fashion-mnist, emnist-<split>, cifar100, cifar10, lfw or folder:PATH)"
        case .unknownModel(let name): return "unknown model '\(name)' (expected dense, cnn, cnn-lstm or completion)"
        case .unknownMask(let name): return "unknown mask '\(name)'"
        case .missingFile(let path): return "\(path): no such file"
        case .invalidFile(let path, let problem): return "\(path): \(problem)"
        case .runFolderExists(let path):
            return "run folder \(path) already exists; choose another --output, pass --resume to continue it, or --overwrite to replace it"
        case .nonFiniteLoss(let epoch, let batch, let value, let layer):
            return "training stopped: the loss became \(value) at epoch \(epoch), batch \(batch)"
                + (layer.map { "; the first non-finite gradient or weight was in \($0)" } ?? "")
                + ". The last good checkpoint is kept; lower the learning rate or set a gradient clip (--clip)."
        case .invalidArgument(let problem): return problem
        case .invalidFlag(let flag, let value, let allowed): return "\(flag) \(value): \(allowed)"
        case .emptyDataset(let name, let partition, let count):
            return "the \(partition) images of dataset \(name) number \(count); training and measuring need at least one"
        case .nonFiniteValue(let position, let value, let layer):
            return "training stopped: a non-finite value (\(value)) appeared at \(position)"
                + (layer.map { "; the first non-finite gradient or weight was in \($0)" } ?? "")
                + ". The last good checkpoint is kept; lower the learning rate or set a gradient clip (--clip)."
        case .interrupted(let stop):
            return "interrupted by \(stop.signal) \(stop.position); "
                + (stop.folder.map { "saved a checkpoint in \($0)" } ?? "no run folder, nothing was saved")
        case .unsupportedRunFormat(let path, let version):
            return "\(path): run folder format version \(version); this ImageGen reads format version \(RunConfiguration.formatVersion) "
                + "(folders written before version 2 kept optimiser state in model.safetensors) — train the run again"
        case .wrongJob(let folder, let holds, let expected):
            return "\(folder) holds \(holds.title), not \(expected.title)"
        }
    }
}
