import Engine
import Foundation
import NN

/// Where a run stands: epochs finished and batches of the epoch in progress.
public struct TrainingPosition: Codable, Equatable, Sendable, CustomStringConvertible {
    public var epoch: Int
    public var batch: Int

    public init(epoch: Int = 0, batch: Int = 0) {
        self.epoch = epoch
        self.batch = batch
    }

    public var description: String { batch > 0 ? "in epoch \(epoch + 1) after batch \(batch)" : "after epoch \(epoch)" }
}

/// Everything besides the weights that a resumed run needs to continue exactly, saved in
/// `training-state.safetensors`: the optimisers' state as tensors `<optimizer>.<parameter>.<slot>` and, in the
/// metadata, this value as JSON.
public struct RunState: Codable, Equatable, Sendable {
    public static let fileName = "training-state.safetensors"

    public var position = TrainingPosition()
    /// The data-order generator at the start of the epoch in progress (or of the next epoch between epochs).
    public var dataOrder: [UInt64]
    /// The job's own generators (noise for the GAN and the background generator), by name.
    public var generators: [String: [UInt64]] = [:]
    /// Loss sums and image count of the batches done in the epoch in progress.
    public var lossSums: [Double] = []
    public var images = 0
    /// Training seconds before this process started.
    public var seconds = 0.0
    /// Optimiser steps, by optimiser name.
    public var optimizerSteps: [String: Int] = [:]
    /// Counts saves; every network file carries the number of the save that wrote it.
    public var generation = 0

    public init(dataOrder: [UInt64]) { self.dataOrder = dataOrder }
}

/// A network a job saves: `model` is the one inference loads.
public struct SavedNetwork {
    public var name: String
    public var module: Module

    public init(name: String, module: Module) {
        self.name = name
        self.module = module
    }
}

/// An optimiser with the parameters it updates, named for its section of the run state.
public struct OptimizerSlot {
    public var name: String
    public var optimizer: Optimizer
    public var parameters: [Parameter]

    public init(name: String, optimizer: Optimizer, parameters: [Parameter]) {
        self.name = name
        self.optimizer = optimizer
        self.parameters = parameters
    }
}

/// Saves and restores a checkpoint — the networks and the run state — as one commit. The networks go to
/// `<name>.pending.safetensors` first, then `training-state.safetensors` is written (the commit point), then the
/// pending files are renamed into place. A crash before the commit leaves pending files that the next resume
/// discards; a crash after it leaves pending files of the committed generation that resuming renames into place.
/// Either way the files a run resumes from always belong to one save.
public enum RunCheckpoint {
    static let generationKey = "checkpoint_generation"
    static let stateKey = "run_state"

    public static func save(_ state: RunState, networks: [SavedNetwork], optimizers: [OptimizerSlot], metadata: [String: String],
                            to folder: RunFolder) throws {
        for network in networks {
            if let bad = firstNonFiniteParameter(network.module.parameters, values: true) {
                throw ExperimentError.nonFiniteValue(position: "\(state.position) (before saving)", value: .nan, firstLayer: bad)
            }
        }
        let generation = String(state.generation)
        for network in networks {
            try Checkpoint.save(network.module, metadata: metadata.merging([generationKey: generation]) { $1 },
                                to: folder.pendingPath(network.name))
        }
        var tensors: [String: Tensor] = [:]
        for slot in optimizers {
            for (key, value) in Checkpoint.optimizerTensors(slot.optimizer, parameters: slot.parameters) { tensors["\(slot.name).\(key)"] = value }
        }
        var saved = state
        saved.optimizerSteps = Dictionary(uniqueKeysWithValues: optimizers.map { ($0.name, $0.optimizer.stepCount) })
        let json = String(decoding: try JSONEncoder().encode(saved), as: UTF8.self)
        try SafeTensors.write(tensors, metadata: [stateKey: json, generationKey: generation,
                                                  "format_version": String(RunConfiguration.formatVersion)], to: folder.statePath)
        for network in networks { try moveIntoPlace(folder.pendingPath(network.name), folder.networkPath(network.name)) }
    }

    /// Restores the networks and optimisers from `folder`, completing or discarding an interrupted save first.
    public static func restore(networks: [SavedNetwork], optimizers: [OptimizerSlot], from folder: RunFolder) throws -> RunState {
        let file = try SafeTensorsFile(path: folder.statePath)
        guard let json = file.metadata[stateKey], let generation = file.metadata[generationKey],
              let state = try? JSONDecoder().decode(RunState.self, from: Data(json.utf8)) else {
            throw ExperimentError.invalidFile(folder.statePath, "holds no run state (position, generators)")
        }
        for network in networks {
            let pending = folder.pendingPath(network.name)
            guard FileManager.default.fileExists(atPath: pending) else { continue }
            if (try? SafeTensors.readMetadata(pending))?[generationKey] == generation {
                try moveIntoPlace(pending, folder.networkPath(network.name))
            } else {
                unlink(pending)
            }
        }
        for network in networks {
            let path = folder.networkPath(network.name)
            let found = try SafeTensors.readMetadata(path)[generationKey] ?? "?"
            guard found == generation else {
                throw ExperimentError.invalidFile(path, "is from save \(found), \(RunState.fileName) from save \(generation)")
            }
        }
        let known = Set(optimizers.map(\.name))
        if let stray = file.shapes.keys.first(where: { !known.contains(String($0.prefix { $0 != "." })) }) {
            throw ExperimentError.invalidFile(folder.statePath, "tensor '\(stray)' belongs to no optimiser of this job")
        }
        // Weights first: a file of another architecture is named by the weights' check, not by the optimiser's.
        for network in networks { try Checkpoint.load(folder.networkPath(network.name), into: network.module) }
        for slot in optimizers {
            let prefix = slot.name + "."
            var tensors: [String: Tensor] = [:]
            for name in file.shapes.keys where name.hasPrefix(prefix) { tensors[String(name.dropFirst(prefix.count))] = try file.tensor(name) }
            try Checkpoint.restoreOptimizer(slot.optimizer, parameters: slot.parameters, from: tensors,
                                            stepCount: state.optimizerSteps[slot.name] ?? 0, path: folder.statePath)
        }
        return state
    }

    static func moveIntoPlace(_ from: String, _ to: String) throws {
        guard rename(from, to) == 0 else { throw FileWriteError.writeFailed(path: to, reason: String(cString: strerror(errno))) }
    }
}
