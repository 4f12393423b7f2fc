import Engine
import Foundation

/// The kinds of job a run folder can hold.
public enum JobKind: String, Codable, CaseIterable, Sendable {
    case autoencoder, background, gan, classifier

    /// What a person calls it.
    public var title: String {
        switch self {
        case .autoencoder: return "an autoencoder (reconstruction or completion)"
        case .background: return "a background generator"
        case .gan: return "a letter GAN"
        case .classifier: return "an image classifier (the judge of completions)"
        }
    }
}

/// A job's settings, saved in `config.json`. Saved values are read over `init()`'s defaults, so a setting added
/// later still loads from an older folder of the same format version.
public protocol JobConfiguration: Codable, Sendable {
    static var job: JobKind { get }
    init()
    /// How long the run is (epochs or steps): the one setting a resumed run takes from the request, when longer.
    static var length: WritableKeyPath<Self, Int> { get }
}

extension JobConfiguration {
    /// The settings a resumed run goes on with, given the ones it was `saved` with: the saved ones, lengthened when
    /// this request asks for a longer run.
    public func resuming(_ saved: Self) -> Self {
        var c = saved
        c[keyPath: Self.length] = max(saved[keyPath: Self.length], self[keyPath: Self.length])
        return c
    }
}

/// `config.json`: `{"format_version": 2, "job": "…", "configuration": {…}}` — the one codec for every job's settings.
public enum RunConfiguration {
    /// Version 2 split the optimiser state out of `model.safetensors`; version 1 folders (no `format_version`) are refused.
    public static let formatVersion = 2

    struct Header: Decodable {
        var format_version: Int?
        var job: String?
    }

    struct Envelope<C: JobConfiguration>: Encodable {
        var format_version = RunConfiguration.formatVersion
        var job: JobKind
        var configuration: C
    }

    /// Writes `configuration` to the folder's `config.json`.
    public static func write<C: JobConfiguration>(_ configuration: C, to folder: RunFolder) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do { data = try encoder.encode(Envelope(job: C.job, configuration: configuration)) } catch {
            throw ExperimentError.invalidArgument("the configuration cannot be saved: \(error)")
        }
        try folder.write(String(decoding: data, as: UTF8.self) + "\n", to: folder.configurationPath)
    }

    /// The settings a run trains with: `requested`, or with `.resume` the folder's saved ones as `resuming` extends them.
    public static func effective<C: JobConfiguration>(_ requested: C, runFolder: String, mode: RunFolder.Mode) throws -> C {
        mode == .resume ? requested.resuming(try read(C.self, from: runFolder)) : requested
    }

    /// The job a run folder holds (checking its format version).
    public static func job(in folder: String) throws -> JobKind {
        let path = "\(folder)/config.json"
        let data = Data(try ReadableFile.contents(at: path))
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw ExperimentError.invalidFile(path, "not a JSON object")
        }
        guard let version = header.format_version else { throw ExperimentError.unsupportedRunFormat(path: path, version: 1) }
        guard version == formatVersion else { throw ExperimentError.unsupportedRunFormat(path: path, version: version) }
        guard let name = header.job, let job = JobKind(rawValue: name) else {
            throw ExperimentError.invalidFile(path, "unknown job '\(header.job ?? "")'")
        }
        return job
    }

    /// Reads the configuration of a `C.job` run from `folder`; another job's folder is refused, naming what it holds.
    public static func read<C: JobConfiguration>(_ type: C.Type, from folder: String) throws -> C {
        let path = "\(folder)/config.json"
        let job = try job(in: folder)
        guard job == C.job else { throw ExperimentError.wrongJob(folder: folder, holds: job, expected: C.job) }
        do {
            let saved = try JSONSerialization.jsonObject(with: Data(try ReadableFile.contents(at: path))) as? [String: Any]
            guard let values = saved?["configuration"] as? [String: Any],
                  var merged = try JSONSerialization.jsonObject(with: JSONEncoder().encode(C())) as? [String: Any] else {
                throw ExperimentError.invalidFile(path, "has no configuration object")
            }
            merged.merge(values) { $1 }
            return try JSONDecoder().decode(C.self, from: JSONSerialization.data(withJSONObject: merged))
        } catch let error as ExperimentError {
            throw error
        } catch {
            throw ExperimentError.invalidFile(path, "not a valid \(C.job.rawValue) configuration: \(error)")
        }
    }
}
