import Engine
import Foundation

/// One training run's folder. Every file in it is written atomically:
/// - `config.json`: the job and its configuration (`RunConfiguration`);
/// - `model.safetensors`: the model's state dict in PyTorch's names and layouts (what inference loads), and
///   `<network>.safetensors` for a job's further networks (the GAN's discriminator);
/// - `training-state.safetensors`: optimiser state, random-generator states and the position (`RunState`);
/// - `metrics.csv` (`MetricsLog`), `samples/`, `report.html`.
public struct RunFolder: Sendable {
    public let path: String

    public enum Mode: Sendable { case create, overwrite, resume }

    /// Opens `path`, refusing to touch an existing run unless asked to overwrite or resume it.
    public init(path: String, mode: Mode) throws {
        self.path = path
        let manager = FileManager.default
        let exists = manager.fileExists(atPath: path)
        switch mode {
        case .create where exists:
            throw ExperimentError.runFolderExists(path)
        case .resume where !manager.fileExists(atPath: "\(path)/\(RunState.fileName)"):
            throw ExperimentError.missingFile("\(path)/\(RunState.fileName)")
        case .overwrite where exists:
            try manager.removeItem(atPath: path)
        default: break
        }
        do {
            try manager.createDirectory(atPath: "\(path)/samples", withIntermediateDirectories: true)
        } catch {
            throw FileWriteError.cannotCreate(path: path, reason: "\(error.localizedDescription)")
        }
        if mode == .resume { Self.removeTemporaryFiles(in: path); Self.removeTemporaryFiles(in: "\(path)/samples") }
    }

    /// A folder to read from (inference, evaluation); nothing is created.
    public init(existing path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw ExperimentError.missingFile(path) }
        self.path = path
    }

    /// Removes the temporary files (`.<name>.tmp-…`) a killed writer left behind; the final files are never partial.
    static func removeTemporaryFiles(in folder: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(".") && name.contains(".tmp-") {
            unlink("\(folder)/\(name)")
        }
    }

    public var configurationPath: String { "\(path)/config.json" }
    public var metricsPath: String { "\(path)/metrics.csv" }
    /// The model inference loads.
    public var checkpointPath: String { networkPath("model") }
    public var statePath: String { "\(path)/\(RunState.fileName)" }
    public var reportPath: String { "\(path)/report.html" }
    public func samplePath(_ name: String) -> String { "\(path)/samples/\(name)" }
    /// `model.safetensors` for the main network, `<name>.safetensors` for the others.
    public func networkPath(_ name: String) -> String { Self.networkPath(in: path, name) }
    public static func networkPath(in folder: String, _ name: String) -> String { "\(folder)/\(name).safetensors" }
    func pendingPath(_ name: String) -> String { "\(path)/\(name).pending.safetensors" }

    /// Writes `text` atomically to `path`.
    public static func writeText(_ text: String, to path: String) throws { try AtomicFile.write(text, to: path) }

    /// Writes `text` atomically to `file`.
    public func write(_ text: String, to file: String) throws { try AtomicFile.write(text, to: file) }
}
