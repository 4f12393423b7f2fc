import Data
import Engine
import Experiments
import Foundation
import Models

/// A run's model in memory. Nothing changes it while serving: every forward pass runs on `ComputeQueue`.
enum LoadedModel {
    case autoencoder(TrainedModel, CompletionBatcher)
    case background(any BackgroundModel)
    case gan(ConditionalGenerator)
}

/// The one serial queue every forward pass of the studio runs on, off the server's event loops. One pass at a
/// time keeps OpenBLAS and the engine's per-thread workspaces to one caller, and requests that arrive while a pass
/// runs are batched into the next one (`CompletionBatcher`), so serialising costs little throughput.
final class ComputeQueue: @unchecked Sendable {
    private let queue = DispatchQueue(label: "imagegen.studio.compute", qos: .userInitiated)

    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    func async(_ body: @escaping @Sendable () -> Void) { queue.async(execute: body) }
}

/// Loads each run's model once, on first use, and keeps it. Concurrent first requests share one load, so none
/// sees a half-loaded model; a failed load is forgotten, so a later request (after the run finished writing its
/// checkpoint, say) tries again.
final class ModelStore: @unchecked Sendable {
    private final class Box: @unchecked Sendable {
        let model: LoadedModel
        init(_ model: LoadedModel) { self.model = model }
    }

    private let lock = NSLock()
    private var loads: [String: Task<Box, any Error>] = [:]
    let compute: ComputeQueue

    init(compute: ComputeQueue) { self.compute = compute }

    /// The model of `entry`, which must hold a job of `kind`.
    func model(for entry: RunEntry, kind: JobKind) async throws -> LoadedModel {
        let job = try RunConfiguration.job(in: entry.folder)
        guard job == kind else {
            throw StudioError.unprocessable("run '\(entry.id)' holds \(job.title), not \(kind.title)")
        }
        guard FileManager.default.fileExists(atPath: RunFolder.networkPath(in: entry.folder, "model")) else {
            throw StudioError.unprocessable("run '\(entry.id)' has no trained model yet (model.safetensors is missing)")
        }
        let task: Task<Box, any Error> = lock.withLock {
            if let existing = loads[entry.folder] { return existing }
            let folder = entry.folder, compute = self.compute
            let task = Task<Box, any Error>.detached {
                switch job {
                case .autoencoder:
                    let trained = try TrainedModel(runFolder: folder)
                    return Box(.autoencoder(trained, CompletionBatcher(model: trained.model, compute: compute)))
                case .background: return Box(.background(try loadBackgroundModel(run: folder)))
                case .gan: return Box(.gan(try loadLetterGenerator(run: folder)))
                case .classifier: throw StudioError.unprocessable("a classifier run has nothing to show in the studio")
                }
            }
            loads[entry.folder] = task
            return task
        }
        do {
            return try await task.value.model
        } catch {
            lock.withLock { loads[entry.folder] = nil }
            if let error = error as? StudioError { throw error }
            throw StudioError.unprocessable("the model of run '\(entry.id)' cannot be loaded: \(error)")
        }
    }
}

/// Completes images with one deterministic model, batching the requests that arrive while a pass runs into the
/// next pass (dynamic batching, as model servers such as Triton do, without a waiting window): a lone request
/// waits for nothing, and under load each waits at most for the pass before its own.
final class CompletionBatcher: @unchecked Sendable {
    struct Job {
        var image: [Float]
        var visible: [Float]
        var continuation: CheckedContinuation<(pixels: [Float], batch: Int), any Error>
    }

    /// The most images in one pass.
    static let maximumBatch = 64
    let model: any ImageAutoencoder
    let compute: ComputeQueue
    private let lock = NSLock()
    private var pending: [Job] = []
    private var draining = false

    init(model: any ImageAutoencoder, compute: ComputeQueue) {
        self.model = model
        self.compute = compute
    }

    /// Completes one image (`H·W·C` values) under `visible` (`H·W` values, 1 = visible); the visible pixels are
    /// kept. Returns the completed pixels and how many images shared the pass.
    func complete(image: [Float], visible: [Float]) async -> (pixels: [Float], batch: Int) {
        // Never throws: a pass cannot fail once the shapes are checked.
        try! await withCheckedThrowingContinuation { continuation in
            let start: Bool = lock.withLock {
                pending.append(Job(image: image, visible: visible, continuation: continuation))
                if draining { return false }
                draining = true
                return true
            }
            if start { compute.async { self.drain() } }
        }
    }

    private func drain() {
        while true {
            let jobs: [Job] = lock.withLock {
                let taken = Array(pending.prefix(Self.maximumBatch))
                pending.removeFirst(taken.count)
                if taken.isEmpty { draining = false }
                return taken
            }
            if jobs.isEmpty { return }
            let results = pass(jobs)
            for (job, pixels) in zip(jobs, results) { job.continuation.resume(returning: (pixels, jobs.count)) }
        }
    }

    private func pass(_ jobs: [Job]) -> [[Float]] {
        let shape = model.imageShape, n = jobs.count, size = shape.reduce(1, *)
        let images = Tensor(shape: [n] + shape, scalars: jobs.flatMap(\.image))
        let visible = Tensor(shape: [n, shape[0], shape[1], 1], scalars: jobs.flatMap(\.visible))
        let completed: Tensor = withoutGradients {
            if let conditioned = model as? any MaskConditionedModel { return conditioned.complete(images, visible: visible) }
            let shown = images * visible
            return shown + model(shown) * (Float(1) - visible)
        }.clamped(min: Float(0), max: Float(1))
        let pointer = completed.storage.pointer
        return (0..<n).map { Array(UnsafeBufferPointer(start: pointer + $0 * size, count: size)) }
    }
}
