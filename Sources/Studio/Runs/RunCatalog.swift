import Engine
import Experiments
import Foundation
import NN

/// A run folder the catalog found under the root.
public struct RunEntry: Sendable, Equatable {
    /// The folder relative to the root with "/" written as "~": one URL path segment.
    public let id: String
    /// The folder relative to the root.
    public let name: String
    /// The absolute folder (symbolic links resolved, always inside the root).
    public let folder: String
}

/// The run folders under `--runs`: every folder holding a `config.json`, up to four levels down, never following a
/// link out of the root. Requests name runs only by an id this listing gave, so no path a client sends is ever
/// opened: `..`, an absolute path or an unknown id is simply not in the list.
public final class RunCatalog: @unchecked Sendable {
    public let root: String
    private let lock = NSLock()
    private var cached: (time: Date, entries: [RunEntry])?
    /// A listing is reused this long, so a burst of requests does not walk the folders each time.
    private let reuseInterval: TimeInterval = 2

    /// `root` must be an existing folder.
    public init(root: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isFolder), isFolder.boolValue else {
            throw ExperimentError.missingFile(root)
        }
        self.root = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Every run, sorted by name.
    public func entries() -> [RunEntry] {
        lock.lock()
        defer { lock.unlock() }
        if let cached, Date().timeIntervalSince(cached.time) < reuseInterval { return cached.entries }
        var found: [RunEntry] = []
        walk(root, relative: "", depth: 0, into: &found)
        let entries = found.sorted { $0.name < $1.name }
        cached = (Date(), entries)
        return entries
    }

    /// The run `id` names; 404 unless the listing holds it.
    public func entry(id: String) throws -> RunEntry {
        if let entry = entries().first(where: { $0.id == id }) { return entry }
        lock.lock()
        cached = nil
        lock.unlock()
        guard let entry = entries().first(where: { $0.id == id }) else { throw StudioError.notFound("no run with id '\(id)' under the runs folder") }
        return entry
    }

    private func walk(_ folder: String, relative: String, depth: Int, into found: inout [RunEntry]) {
        if FileManager.default.fileExists(atPath: "\(folder)/config.json"), !relative.isEmpty {
            found.append(RunEntry(id: relative.replacingOccurrences(of: "/", with: "~"), name: relative, folder: folder))
            return
        }
        guard depth < 4, let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where !name.hasPrefix(".") && !name.contains("~") {
            let path = "\(folder)/\(name)"
            var status = stat()
            // lstat: a symbolic link is not followed, so nothing outside the root is ever listed.
            guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { continue }
            walk(path, relative: relative.isEmpty ? name : "\(relative)/\(name)", depth: depth + 1, into: &found)
        }
    }
}

/// What the listing says of a run.
public struct RunSummary: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case training, finished, incomplete }
    public struct Progress: Codable, Sendable, Equatable {
        public var done: Int
        public var total: Int
        public var unit: String
    }

    public var id: String
    public var job: JobKind
    public var title: String
    public var name: String
    public var model: String?
    public var task: String?
    public var mask: String?
    public var dataset: String?
    public var imageShape: [Int]?
    public var completes: Bool
    public var takesMask: Bool
    public var sampling: Bool
    public var status: Status
    public var progress: Progress?
    public var finalMetrics: [String: Double]
    public var hasReport: Bool
    public var updated: String

    /// A run is training when its metrics log or state changed within this many seconds and it has not reached its length.
    static let trainingWindow: TimeInterval = 120

    /// Reads the folder's `config.json`, `metrics.csv` and checkpoint metadata; throws when `config.json` is unreadable.
    public init(_ entry: RunEntry) throws {
        let folder = entry.folder
        id = entry.id
        name = entry.name
        job = try RunConfiguration.job(in: folder)
        title = job.title
        completes = false
        takesMask = false
        sampling = false
        let modelPath = RunFolder.networkPath(in: folder, "model")
        let hasModel = FileManager.default.fileExists(atPath: modelPath)
        var total: Int?
        switch job {
        case .autoencoder:
            let c = try RunConfiguration.read(TrainingConfiguration.self, from: folder)
            model = c.model.rawValue
            task = c.task.rawValue
            mask = c.task == .complete ? c.mask.description : nil
            dataset = c.dataset
            takesMask = c.model == .completion || c.model == .pixelCNN
            sampling = c.model == .pixelCNN
            total = c.epochs
            if hasModel, let shape = try? SafeTensors.readMetadata(modelPath)["image_shape"]?.split(separator: ",").compactMap({ Int($0) }),
               shape.count == 3 {
                imageShape = shape
                completes = true
            }
        case .background:
            let c = try RunConfiguration.read(BackgroundConfiguration.self, from: folder)
            model = c.kind.rawValue
            total = c.steps
        case .gan:
            let c = try RunConfiguration.read(GANConfiguration.self, from: folder)
            model = "conditional GAN"
            total = c.epochs
        case .classifier:
            let c = try RunConfiguration.read(ClassifierConfiguration.self, from: folder)
            dataset = c.dataset
            total = c.epochs
        }
        let log = try? MetricsLog.read("\(folder)/metrics.csv")
        finalMetrics = [:]
        if let log, let last = log.rows.last {
            for (column, value) in zip(log.columns, last).dropFirst() where value.isFinite { finalMetrics[column] = value }
        }
        let done = log?.rows.last.map { Int($0[0]) } ?? 0
        let unit = job == .background ? "steps" : "epochs"
        progress = total.map { Progress(done: min(done, $0), total: $0, unit: unit) }
        let changed = ["metrics.csv", "training-state.safetensors", "model.safetensors", "config.json"].compactMap {
            (try? FileManager.default.attributesOfItem(atPath: "\(folder)/\($0)"))?[.modificationDate] as? Date
        }.max() ?? Date(timeIntervalSince1970: 0)
        let recent = Date().timeIntervalSince(changed) < Self.trainingWindow
        if let total, done < total {
            status = recent ? .training : .incomplete
        } else {
            status = hasModel ? .finished : (recent ? .training : .incomplete)
        }
        hasReport = FileManager.default.fileExists(atPath: "\(folder)/report.html")
        updated = ISO8601DateFormatter().string(from: changed)
    }
}
