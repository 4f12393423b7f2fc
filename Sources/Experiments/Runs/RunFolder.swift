import Engine
import Foundation

/// One training run's folder: `config.json`, `metrics.csv`, `model.safetensors`, `samples/`, `report.html`.
/// Every file in it is written atomically.
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
        case .resume where !manager.fileExists(atPath: "\(path)/model.safetensors"):
            throw ExperimentError.missingFile("\(path)/model.safetensors")
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

    /// Removes the temporary files (`.<name>.tmp-…`) a killed writer left behind; the final files are never partial.
    static func removeTemporaryFiles(in folder: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(".") && name.contains(".tmp-") {
            unlink("\(folder)/\(name)")
        }
    }

    public var configurationPath: String { "\(path)/config.json" }
    public var metricsPath: String { "\(path)/metrics.csv" }
    public var checkpointPath: String { "\(path)/model.safetensors" }
    public var reportPath: String { "\(path)/report.html" }
    public func samplePath(_ name: String) -> String { "\(path)/samples/\(name)" }

    public func write(_ text: String, to file: String) throws { try AtomicFile.write(text, to: file) }

    /// Writes `text` atomically to `path`.
    public static func writeText(_ text: String, to path: String) throws { try AtomicFile.write(text, to: path) }
}

/// One row of `metrics.csv`.
public struct EpochMetrics: Codable, Equatable, Sendable {
    public var epoch: Int
    public var trainingLoss: Double
    public var validationLoss: Double
    public var validationHiddenLoss: Double?
    public var seconds: Double

    public static let header = "epoch,train_loss,validation_loss,validation_hidden_loss,seconds"

    public var csvRow: String {
        [String(epoch), String(trainingLoss), String(validationLoss), validationHiddenLoss.map { String($0) } ?? "",
         String(format: "%.3f", seconds)].joined(separator: ",")
    }

    public static func parse(csv: String) -> [EpochMetrics] {
        csv.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 5, let e = Int(f[0]), let t = Double(f[1]), let v = Double(f[2]), let s = Double(f[4]) else { return nil }
            return EpochMetrics(epoch: e, trainingLoss: t, validationLoss: v, validationHiddenLoss: Double(f[3]), seconds: s)
        }
    }
}

/// Settings saved as JSON in a run folder, read back over `defaults` so that files written before a setting
/// existed still load.
public func decodeSavedOptions<T: Codable>(_ defaults: T, from path: String) throws -> T {
    guard let data = FileManager.default.contents(atPath: path) else { throw ExperimentError.missingFile(path) }
    do {
        guard var merged = try JSONSerialization.jsonObject(with: JSONEncoder().encode(defaults)) as? [String: Any],
              let saved = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ExperimentError.invalidFile(path, "not a JSON object")
        }
        merged.merge(saved) { $1 }
        return try JSONDecoder().decode(T.self, from: JSONSerialization.data(withJSONObject: merged))
    } catch let error as ExperimentError {
        throw error
    } catch {
        throw ExperimentError.invalidFile(path, "not valid saved settings: \(error)")
    }
}
