import Data
import Engine
import Experiments
import Foundation
import Imaging
import Models

/// What the studio does, apart from HTTP: lists runs, completes images, samples backgrounds, writes letters.
/// Every model is loaded once (`ModelStore`) and run on one compute queue; the routes only parse and encode.
public final class StudioService: @unchecked Sendable {
    public let catalog: RunCatalog
    let compute = ComputeQueue()
    let models: ModelStore
    private let lock = NSLock()
    private var testSets: [String: Task<(images: ImageDataset, split: String), any Error>] = [:]

    public init(runs root: String) throws {
        catalog = try RunCatalog(root: root)
        models = ModelStore(compute: compute)
    }

    // MARK: Runs

    public func runs() -> RunList {
        RunList(root: catalog.root, runs: catalog.entries().compactMap { try? RunSummary($0) }.sorted { $0.updated > $1.updated })
    }

    func summary(_ id: String) throws -> (RunEntry, RunSummary) {
        let entry = try catalog.entry(id: id)
        do { return (entry, try RunSummary(entry)) } catch {
            throw StudioError.unprocessable("run '\(id)' cannot be read: \(error)")
        }
    }

    /// The run's summary, its saved configuration (as `config.json` holds it) and its metrics, as JSON.
    public func runDetail(_ id: String) throws -> [UInt8] {
        let (entry, summary) = try summary(id)
        let saved = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(entry.folder)/config.json")))) as? [String: Any]
        let configuration = saved?["configuration"] as? [String: Any] ?? [:]
        let run = try JSONSerialization.jsonObject(with: Data(encodeBody(summary)))
        let metrics = try JSONSerialization.jsonObject(with: Data(encodeBody(MetricsTable(try? MetricsLog.read("\(entry.folder)/metrics.csv")))))
        let body: [String: Any] = ["run": run, "configuration": configuration, "metrics": metrics]
        return [UInt8](try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    public func progress(_ id: String) throws -> RunProgress {
        let (entry, summary) = try summary(id)
        return RunProgress(status: summary.status, progress: summary.progress, updated: summary.updated,
                           metrics: MetricsTable(try? MetricsLog.read("\(entry.folder)/metrics.csv")))
    }

    /// A file of the run's report: `report.html` or what it links to (`samples/…png`, `*.svg`, `*.csv`). Only
    /// plain names of these kinds are served, never a hidden file or a checkpoint.
    public func reportFile(_ id: String, path: [String]) throws -> (bytes: [UInt8], contentType: String) {
        let entry = try catalog.entry(id: id)
        let types = ["html": "text/html; charset=utf-8", "png": "image/png", "svg": "image/svg+xml", "csv": "text/csv; charset=utf-8",
                     "jpg": "image/jpeg", "jpeg": "image/jpeg"]
        guard !path.isEmpty, path.count <= 3,
              path.allSatisfy({ !$0.isEmpty && !$0.hasPrefix(".") && !$0.contains("/") && !$0.contains("\\") && $0 != ".." }),
              let type = types[(path.last! as NSString).pathExtension.lowercased()] else {
            throw StudioError.notFound("no such report file")
        }
        let file = ([entry.folder] + path).joined(separator: "/")
        // A link inside the run folder could point anywhere: the resolved file must stay inside the run.
        let resolved = URL(fileURLWithPath: file).resolvingSymlinksInPath().path
        guard resolved.hasPrefix(entry.folder + "/"), let data = FileManager.default.contents(atPath: resolved) else {
            throw StudioError.notFound("run '\(id)' has no file \(path.joined(separator: "/"))")
        }
        return ([UInt8](data), type)
    }

    // MARK: Test images

    /// The run's held-out images (the test partition, or the validation split of a dataset without one), loaded
    /// once per dataset and split.
    private func testSet(for c: TrainingConfiguration) async throws -> (images: ImageDataset, split: String) {
        let key = "\(c.dataset)|\(c.dataFolder ?? "")|\(c.validationFraction)|\(c.seed)"
        let task: Task<(images: ImageDataset, split: String), any Error> = lock.withLock {
            if let existing = testSets[key] { return existing }
            let task = Task<(images: ImageDataset, split: String), any Error>.detached { try c.heldOutImages() }
            testSets[key] = task
            return task
        }
        do { return try await task.value } catch {
            lock.withLock { testSets[key] = nil }
            throw StudioError.unprocessable("the test images of \(c.dataset) cannot be read: \(error)")
        }
    }

    /// Test image `index` (a random one when `nil`) of an autoencoder run's dataset.
    public func testImage(_ id: String, index: Int?) async throws -> TestImage {
        let entry = try catalog.entry(id: id)
        let c: TrainingConfiguration
        do { c = try RunConfiguration.read(TrainingConfiguration.self, from: entry.folder) } catch {
            throw StudioError.unprocessable("run '\(id)' is not an autoencoder run, so it has no test images: \(error)")
        }
        let (dataset, split) = try await testSet(for: c)
        guard dataset.count > 0 else { throw StudioError.unprocessable("the \(split) images of \(c.dataset) are empty") }
        let i = index ?? Int.random(in: 0..<dataset.count)
        guard (0..<dataset.count).contains(i) else {
            throw StudioError.unprocessable("index \(i) is out of range: \(c.dataset) has \(dataset.count) \(split) images")
        }
        let label = dataset.labels[i]
        return TestImage(index: i, count: dataset.count, split: split, label: label,
                         className: label < dataset.classNames.count ? dataset.classNames[label] : String(label),
                         image: try ImagePayload.dataURL(dataset.image(at: i)))
    }

    // MARK: Completion

    static let presets: [String: MaskKind] = ["bottom": .bottom, "top": .top, "left": .left, "right": .right, "center": .center,
                                              "centre": .center, "rectangles": .rectangles, "strokes": .strokes]

    /// The mask `spec` names for a `height`×`width` model: the run's own, a preset, or a PNG (white = visible).
    func mask(_ spec: String, trained: TrainedModel, run: String, height: Int, width: Int, seed: UInt64) throws -> ImageMask {
        let mask: ImageMask
        if spec == "run" {
            guard let own = trained.mask else {
                throw StudioError.unprocessable("run '\(run)' was trained to reconstruct and has no mask of its own: choose a preset or paint a mask")
            }
            mask = own
        } else if let kind = Self.presets[spec] {
            mask = try ImageMask(kind, height: height, width: width, seed: seed)
        } else {
            guard spec.hasPrefix("data:") || spec.count > 16 else {
                throw StudioError.unprocessable("mask '\(spec)' is neither 'run', a preset (\(Self.presets.keys.sorted().joined(separator: ", "))) nor a PNG")
            }
            let image = try ImagePayload.image(spec, field: "mask")
            guard image.width == width, image.height == height else {
                throw StudioError.unprocessable("the mask is \(image.width)×\(image.height); the model of run '\(run)' needs \(width)×\(height)")
            }
            let grey = image.converted(toChannels: 1)
            mask = try ImageMask(visible: Tensor(shape: [height, width, 1], scalars: grey.pixels.map { $0 >= 0.5 ? 1 : 0 }))
        }
        let hidden = mask.hiddenCount
        guard hidden > 0 else { throw StudioError.unprocessable("the mask hides no pixel: there is nothing to complete") }
        guard hidden < height * width else { throw StudioError.unprocessable("the mask hides every pixel: nothing is left to complete from") }
        return mask
    }

    public func complete(_ request: CompletionRequest) async throws -> CompletionResult {
        let samples = request.samples ?? 1, temperature = request.temperature ?? 1, seed = request.seed ?? 0
        guard (1...16).contains(samples) else { throw StudioError.unprocessable("samples must be 1 to 16, not \(samples)") }
        guard temperature.isFinite, (0...10).contains(temperature) else {
            throw StudioError.unprocessable("temperature must be a number from 0 to 10, not \(temperature)")
        }
        guard seed <= UInt64(UInt32.max) else { throw StudioError.unprocessable("seed must be at most \(UInt32.max)") }
        let entry = try catalog.entry(id: request.run)
        guard case .autoencoder(let trained, let batcher) = try await models.model(for: entry, kind: .autoencoder) else {
            throw StudioError.unprocessable("run '\(request.run)' is not an autoencoder run")
        }
        let shape = trained.model.imageShape, (h, w, c) = (shape[0], shape[1], shape[2])
        let upload = try ImagePayload.image(request.image, field: "image")
        let conversion = try ImageConversion(upload, height: h, width: w, channels: c)
        let original = conversion.image
        let mask = try self.mask(request.mask ?? "run", trained: trained, run: request.run, height: h, width: w, seed: seed)
        let sampler = trained.model as? any SamplingCompletionModel
        guard sampler != nil || samples == 1 else {
            throw StudioError.unprocessable("samples must be 1: the \(trained.model.name) of run '\(request.run)' is deterministic")
        }
        let started = Date()
        var completions: [[Float]]
        var batch = 1
        if let sampler {
            let input = Tensor(shape: [1] + shape, scalars: original.pixels)
            let drawn = try await compute.run {
                var rng = RandomGenerator(seed: seed)
                return sampler.sample(input, visible: mask.visible, count: samples, temperature: Float(temperature), using: &rng)
            }
            let size = h * w * c
            completions = (0..<samples).map { Array(UnsafeBufferPointer(start: drawn.storage.pointer + $0 * size, count: size)) }
        } else {
            let result = await batcher.complete(image: original.pixels, visible: mask.visible.scalars)
            completions = [result.pixels]
            batch = result.batch
        }
        let milliseconds = Date().timeIntervalSince(started) * 1000
        let visible = mask.visible.scalars
        func hiddenMSE(_ pixels: [Float]) -> Double {
            var sum = 0.0
            for p in 0..<(h * w) where visible[p] < 0.5 {
                for k in 0..<c { let d = Double(pixels[p * c + k]) - Double(original.pixels[p * c + k]); sum += d * d }
            }
            return sum / Double(mask.hiddenCount * c)
        }
        let errors = completions.map(hiddenMSE)
        var mean: String?
        if completions.count > 1 {
            let average = (0..<(h * w * c)).map { i in completions.reduce(Float(0)) { $0 + $1[i] } / Float(completions.count) }
            mean = try ImagePayload.dataURL(Image(width: w, height: h, channels: c, pixels: average))
        }
        let occluded = zip(original.pixels.indices, original.pixels).map { i, v in visible[i / c] >= 0.5 ? v : 0.5 }
        let takesMask = trained.model is any MaskConditionedModel || sampler != nil
        var note: String?
        if !takesMask {
            let own = trained.mask == nil ? "whole images (it reconstructs)" : "its run's mask (\(trained.configuration.mask))"
            if trained.mask.map({ $0.visible.scalars != visible }) ?? true {
                note = "The \(trained.model.name) was trained on \(own): other masks only hide pixels from it, it was not trained to fill them."
            }
        }
        return CompletionResult(
            run: request.run, model: trained.model.name, takesMask: takesMask, sampling: sampler != nil, note: note,
            conversion: conversion.steps, width: w, height: h, channels: c,
            original: try ImagePayload.dataURL(original),
            occluded: try ImagePayload.dataURL(Image(width: w, height: h, channels: c, pixels: occluded)),
            mask: try ImagePayload.dataURL(Image(width: w, height: h, channels: 1, pixels: visible)),
            completions: try completions.map { try ImagePayload.dataURL(Image(width: w, height: h, channels: c, pixels: $0)) },
            mean: mean, hiddenPixels: mask.hiddenCount, hiddenMSE: errors[0], sampleMSE: errors,
            psnr: errors[0] > 0 ? min(99, 10 * log10(1 / errors[0])) : 99, milliseconds: milliseconds, batch: batch)
    }

    /// The first completion of `result` as PNG bytes (for `Accept: image/png`).
    static func firstCompletionPNG(_ result: CompletionResult) throws -> [UInt8] {
        try ImagePayload.bytes(result.completions[0], field: "completion")
    }

    // MARK: Generators

    public func backgrounds(_ request: BackgroundRequest) async throws -> BackgroundResult {
        let count = request.count ?? 32, seed = request.seed ?? 0
        guard (1...64).contains(count) else { throw StudioError.unprocessable("count must be 1 to 64, not \(count)") }
        guard seed <= UInt64(UInt32.max) else { throw StudioError.unprocessable("seed must be at most \(UInt32.max)") }
        let entry = try catalog.entry(id: request.run)
        guard case .background(let model) = try await models.model(for: entry, kind: .background) else {
            throw StudioError.unprocessable("run '\(request.run)' is not a background run")
        }
        let (rgb, metrics) = try await compute.run { () -> (Tensor, BackgroundMetrics) in
            var rng = RandomGenerator(seed: seed)
            let (rgb, _, metrics) = sampleBackgrounds(model, count: count, using: &rng)
            return (rgb, metrics)
        }
        let plane = 64 * 64 * 3
        let images = (0..<count).map { i in
            Image(width: 64, height: 64, channels: 3, pixels: Array(UnsafeBufferPointer(start: rgb.storage.pointer + i * plane, count: plane)))
        }
        let grid = try makeImageGrid(images, options: ImageGridOptions(imagesPerRow: 8))
        return BackgroundResult(run: request.run, kind: model.kind, images: try images.map(ImagePayload.dataURL), grid: try ImagePayload.dataURL(grid),
                                diversity: metrics.diversity, smoothness: metrics.smoothness, coverage: metrics.coverage)
    }

    public func letters(_ request: LetterRequest) async throws -> LetterResult {
        let seed = request.seed ?? 0
        guard seed <= UInt64(UInt32.max) else { throw StudioError.unprocessable("seed must be at most \(UInt32.max)") }
        let text = request.text.lowercased()
        guard (1...32).contains(text.count) else { throw StudioError.unprocessable("text must hold 1 to 32 characters, not \(text.count)") }
        if let bad = text.first(where: { !($0 == " " || ("a"..."z").contains($0) && $0.isASCII) }) {
            throw StudioError.unprocessable("text may hold only letters a–z and spaces, not '\(bad)'")
        }
        let word = text.filter { $0 != " " }
        guard !word.isEmpty else { throw StudioError.unprocessable("text holds no letter") }
        let modeName = request.mode ?? ColourisationMode.colouredBackground.rawValue
        let mode = modeName == "none" ? nil : ColourisationMode(rawValue: modeName)
        guard modeName == "none" || mode != nil else {
            throw StudioError.unprocessable("mode '\(modeName)' is not one of none, \(ColourisationMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard case .gan(let generator) = try await models.model(for: try catalog.entry(id: request.run), kind: .gan) else {
            throw StudioError.unprocessable("run '\(request.run)' is not a GAN run")
        }
        var chosen: (any BackgroundModel)?
        if let id = request.backgroundRun, !id.isEmpty, mode != nil {
            guard case .background(let model) = try await models.model(for: try catalog.entry(id: id), kind: .background) else {
                throw StudioError.unprocessable("run '\(id)' is not a background run")
            }
            chosen = model
        }
        let backgrounds = chosen
        let side = BackgroundGenerator.side
        let tiles: [Image] = try await compute.run {
            var rng = RandomGenerator(seed: seed)
            let letters = try generateLetters(generator, text: word, using: &rng)
            let plane = side * side
            let greys = (0..<word.count).map { Array(UnsafeBufferPointer(start: letters.storage.pointer + $0 * plane, count: plane)) }
            var glyphs: [Image]
            if let mode {
                let model = try backgrounds ?? backgroundGenerator(run: nil, seed: seed)
                let noise = Tensor.uniform([3 * word.count, BackgroundGenerator.noiseSize], using: &rng)
                let rgb = backgroundsAsRGB(withoutGradients { model(noise) })
                glyphs = try greys.enumerated().map { i, letter in
                    let background = Image(width: side, height: side, channels: 3,
                                           pixels: Array(UnsafeBufferPointer(start: rgb.storage.pointer + i * plane * 3, count: plane * 3)))
                    return try colourise(letter: letter, height: side, width: side, background: background,
                                         options: ColourisationOptions(mode: mode), using: &rng)
                }
            } else {
                glyphs = greys.map { Image(width: side, height: side, channels: 1, pixels: $0.map { ($0 + 1) / 2 }) }
            }
            // Spaces are blank tiles between the generated letters.
            var next = glyphs.makeIterator()
            let channels = glyphs[0].channels
            return text.map { $0 == " " ? Image(width: side, height: side, channels: channels, filledWith: 1) : next.next()! }
        }
        let row = try makeImageGrid(tiles, options: ImageGridOptions(imagesPerRow: tiles.count, padding: 0))
        return LetterResult(run: request.run, text: text, mode: modeName, image: try ImagePayload.dataURL(row),
                            letters: try tiles.map(ImagePayload.dataURL))
    }
}
