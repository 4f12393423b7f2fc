import Engine
import Foundation
@testable import NN
import Testing
import TestSupport

/// A small model covering every parameter layout: Conv2D, Conv2DTranspose, Linear.
func makeCheckpointModel(seed: UInt64, channels: Int = 3) -> Sequential {
    var rng = RandomGenerator(seed: seed)
    return Sequential([
        Conv2D(inputChannels: 1, outputChannels: channels, kernelSize: (3, 2), activation: .relu, using: &rng),
        Conv2DTranspose(inputChannels: channels, outputChannels: 2, kernelSize: (3, 3), stride: (2, 2), activation: .tanh, using: &rng),
        Flatten(),
        Linear(inputSize: 2 * 8 * 6, outputSize: 2, using: &rng),
    ])
}

func bits(_ t: Tensor) -> [UInt32] { t.scalars.map(\.bitPattern) }

@Suite struct CheckpointTests {
    static let input: Tensor = {
        var rng = RandomGenerator(seed: 77)
        return randomTensor([2, 4, 3, 1], &rng)
    }()
    static let target = Tensor(shape: [2, 2], scalars: [0.5, -0.25, 1, 0])

    func trainStep(_ model: Sequential, _ optimizer: Optimizer) {
        model.zeroGradients()
        mseLoss(predictions: model(Self.input), targets: Self.target).backward()
        optimizer.update(model.parameters)
    }

    static func optimizer(_ name: String) -> Optimizer {
        switch name {
        case "sgd": return SGD(learningRate: 0.05, momentum: 0.9, nesterov: true)
        case "adam": return Adam(learningRate: 0.01)
        case "adamax": return Adamax(learningRate: 0.01, convention: .keras)
        default: return RMSProp(learningRate: 0.01)
        }
    }

    @Test(arguments: ["sgd", "adam", "adamax", "rmsprop"])
    func roundTripResumesExactly(optimizerName: String) throws {
        let dir = TemporaryDirectory()
        let path = dir.file("model.safetensors")

        let model = makeCheckpointModel(seed: 1)
        let optimizer = Self.optimizer(optimizerName)
        for _ in 0..<3 { trainStep(model, optimizer) }
        try Checkpoint.save(model, metadata: ["epoch": "3", "note": "quote \" and\nnewline"], to: path)
        let statePath = dir.file("state.safetensors")
        try SafeTensors.write(Checkpoint.optimizerTensors(optimizer, parameters: model.parameters), to: statePath)

        let restored = makeCheckpointModel(seed: 2)
        let restoredOptimizer = Self.optimizer(optimizerName)
        #expect(bits(restored.parameters[0].tensor) != bits(model.parameters[0].tensor))
        let metadata = try Checkpoint.load(path, into: restored)
        try Checkpoint.restoreOptimizer(restoredOptimizer, parameters: restored.parameters, from: SafeTensors.read(statePath).tensors,
                                        stepCount: optimizer.stepCount, path: statePath)
        #expect(metadata == ["epoch": "3", "note": "quote \" and\nnewline"])
        #expect(restoredOptimizer.stepCount == 3)
        for (a, b) in zip(model.parameters, restored.parameters) {
            #expect(a.name == b.name && bits(a.tensor) == bits(b.tensor), "parameter \(a.name) differs after loading")
        }
        let state = optimizer.state, restoredState = restoredOptimizer.state
        #expect(Set(state.keys) == Set(restoredState.keys))
        for (key, value) in state {
            #expect(restoredState[key].map(bits) == bits(value), "optimizer state \(key) differs")
            #expect(restoredState[key]?.shape == value.shape)
        }
        // One more step on each: identical to the bit.
        trainStep(model, optimizer)
        trainStep(restored, restoredOptimizer)
        for (a, b) in zip(model.parameters, restored.parameters) {
            #expect(bits(a.tensor) == bits(b.tensor), "parameter \(a.name) differs after the resumed step")
        }
    }

    @Test func onDiskLayoutIsPyTorchs() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("layout.safetensors")
        let model = makeCheckpointModel(seed: 3)
        let optimizer = Adam()
        trainStep(model, optimizer)
        try Checkpoint.save(model, to: path)
        let (tensors, metadata) = try SafeTensors.read(path)
        #expect(metadata.isEmpty)
        // Conv2d: [out, in, kh, kw]; ours [out, kh, kw, in].
        #expect(tensors["0.weight"]?.shape == [3, 1, 3, 2])
        #expect(tensors["0.weight"].map(bits) == bits(model.parameters[0].tensor.permuted([0, 3, 1, 2])))
        // ConvTranspose2d: [in, out, kh, kw]; ours [in, kh, kw, out].
        #expect(tensors["1.weight"]?.shape == [3, 2, 3, 3])
        #expect(tensors["1.weight"].map(bits) == bits(model.parameters[2].tensor.permuted([0, 3, 1, 2])))
        #expect(tensors["3.weight"]?.shape == [2, 96])
        #expect(tensors["0.bias"]?.shape == [3] && tensors["1.bias"]?.shape == [2] && tensors["3.bias"]?.shape == [2])
        // Exactly the state dict: what torch's load_state_dict(strict=True) accepts.
        #expect(Set(tensors.keys) == ["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"])
        // Optimiser state, kept apart, follows its parameter's layout.
        let state = Checkpoint.optimizerTensors(optimizer, parameters: model.parameters)
        #expect(state["0.weight.exp_avg"]?.shape == [3, 1, 3, 2])
        #expect(state["1.weight.exp_avg_sq"]?.shape == [3, 2, 3, 3])
        #expect(state.count == 12)
        // The file itself: 8-byte length, a JSON header padded to 8 bytes, then data.
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(length % 8 == 0)
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as? [String: Any]
        let entry = header?["0.weight"] as? [String: Any]
        #expect(entry?["dtype"] as? String == "F32")
        #expect(entry?["shape"] as? [Int] == [3, 1, 3, 2])
        if let keep = ProcessInfo.processInfo.environment["NNTESTS_KEEP_CHECKPOINT"] {
            // For checking with torch by hand: make_fixtures.py --verify-safetensors <path>
            try Checkpoint.save(model, metadata: ["written_by": "NNTests"], to: keep)
        }
    }

    @Test func otherArchitecturesAreRejectedWithoutChangingTheModel() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("model.safetensors")
        try Checkpoint.save(makeCheckpointModel(seed: 4), to: path)

        // Same names, different channel count.
        let wider = makeCheckpointModel(seed: 5, channels: 4)
        let before = wider.parameters.map { bits($0.tensor) }
        #expect(throws: CheckpointError.shapeMismatch(path: path, name: "0.weight", expected: [4, 1, 3, 2], found: [3, 1, 3, 2])) {
            try Checkpoint.load(path, into: wider)
        }
        #expect(wider.parameters.map { bits($0.tensor) } == before)

        // A parameter the file does not have.
        var rng = RandomGenerator(seed: 6)
        let deeper = Sequential(makeCheckpointModel(seed: 4).layers + [Linear(inputSize: 2, outputSize: 1, using: &rng)])
        #expect(throws: CheckpointError.missingTensors(path: path, names: ["4.weight", "4.bias"])) { try Checkpoint.load(path, into: deeper) }

        // A tensor the model has no place for.
        let shallow = Sequential(Array(makeCheckpointModel(seed: 4).layers.prefix(2)))
        #expect(throws: CheckpointError.unexpectedTensors(path: path, names: ["3.bias", "3.weight"])) { try Checkpoint.load(path, into: shallow) }
        // A state dict with optimiser entries beside the weights is not a strict state dict either.
        var (tensors, _) = try SafeTensors.read(path)
        tensors["optimizer.0.weight.exp_avg"] = tensors["0.weight"]
        try SafeTensors.write(tensors, to: path)
        #expect(throws: CheckpointError.unexpectedTensors(path: path, names: ["optimizer.0.weight.exp_avg"])) {
            try Checkpoint.load(path, into: makeCheckpointModel(seed: 4))
        }
        #expect(throws: FileReadError.cannotOpen(path: dir.path + "/missing", reason: "No such file or directory")) {
            try Checkpoint.load(dir.path + "/missing", into: shallow)
        }
    }
}

extension CheckpointTests {
    @Test func badOptimizerStateIsRejectedBeforeAnythingChanges() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("model.safetensors")
        let model = makeCheckpointModel(seed: 12)
        let sgd = SGD(learningRate: 0.1, momentum: 0.9)
        trainStep(model, sgd)
        let tensors = Checkpoint.optimizerTensors(sgd, parameters: model.parameters)

        // SGD state into Adam: unknown state; the optimiser does not change.
        let target = makeCheckpointModel(seed: 13)
        let adam = Adam()
        trainStep(target, adam)
        let stateBefore = adam.state.mapValues(bits)
        #expect(throws: OptimizerError.self) {
            try Checkpoint.restoreOptimizer(adam, parameters: target.parameters, from: tensors, stepCount: 1, path: path)
        }
        #expect(adam.state.mapValues(bits) == stateBefore && adam.stepCount == 1)

        // A state tensor whose shape is not its parameter's (rank too): an error, not a crash or an out-of-bounds update.
        var bad = tensors
        bad["0.weight.momentum_buffer"] = Tensor(zeros: [3])
        let sgd2 = SGD(learningRate: 0.1, momentum: 0.9)
        #expect(throws: CheckpointError.shapeMismatch(path: path, name: "0.weight.momentum_buffer", expected: [3, 1, 3, 2], found: [3])) {
            try Checkpoint.restoreOptimizer(sgd2, parameters: target.parameters, from: bad, stepCount: 1, path: path)
        }
        #expect(sgd2.stepCount == 0 && sgd2.state.isEmpty)
        // A key naming no parameter.
        #expect(throws: OptimizerError.unknownState("9.weight.momentum_buffer")) {
            try Checkpoint.restoreOptimizer(SGD(learningRate: 0.1, momentum: 0.9), parameters: target.parameters,
                                            from: ["9.weight.momentum_buffer": Tensor(zeros: [3])], stepCount: 1, path: path)
        }
    }
}

/// Malformed safetensors input must throw the matching error, never crash.
@Suite struct SafeTensorsValidationTests {
    /// A file with the given header text (padded to 8 bytes) and data bytes.
    static func file(header: String, dataBytes: Int = 0, length: UInt64? = nil) -> Data {
        var h = Array(header.utf8)
        while h.count % 8 != 0 { h.append(0x20) }
        var bytes = [UInt8]()
        var n = (length ?? UInt64(h.count)).littleEndian
        withUnsafeBytes(of: &n) { bytes.append(contentsOf: $0) }
        bytes += h
        bytes += [UInt8](repeating: 0, count: dataBytes)
        return Data(bytes)
    }

    func parse(_ data: Data) throws { _ = try SafeTensors.parse(data, path: "x") }

    func expectBadEntry(_ data: Data, name: String, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: SafeTensorsError.self, sourceLocation: sourceLocation) { try parse(data) }
        guard case .badEntry(_, let n, let problem)? = error, n == name, problem.contains(text) else {
            Issue.record("expected badEntry(\(name), …\(text)…), got \(String(describing: error))", sourceLocation: sourceLocation)
            return
        }
    }

    @Test func validFileParses() throws {
        let data = Self.file(header: #"{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}"#,
                             dataBytes: 12)
        let (tensors, metadata) = try SafeTensors.parse(data, path: "x")
        #expect(metadata == ["k": "v"])
        #expect(tensors["a"]?.shape == [2] && tensors["b"]?.shape == [])
    }

    @Test func sliceOfALargerBufferParses() throws {
        let file = Self.file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, dataBytes: 4)
        let padded = Data([9, 9, 9]) + file + Data([7])
        let slice = padded[3..<(3 + file.count)]
        #expect(slice.startIndex == 3)
        let (tensors, _) = try SafeTensors.parse(slice, path: "slice")
        #expect(tensors["a"]?.scalars == [0])
    }

    @Test func truncatedFiles() throws {
        #expect(throws: SafeTensorsError.tooSmall(path: "x", size: 0)) { try parse(Data()) }
        #expect(throws: SafeTensorsError.tooSmall(path: "x", size: 5)) { try parse(Data([1, 2, 3, 4, 5])) }
        let good = Self.file(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, dataBytes: 16)
        // Cut inside the data: the entry's range no longer fits.
        expectBadEntry(good.prefix(good.count - 4), name: "a", containing: "outside")
        // Cut inside the header: the declared length no longer fits.
        let cut = good.prefix(20)
        #expect(throws: SafeTensorsError.headerLength(path: "x", length: UInt64(good.count - 16 - 8), fileSize: 20)) { try parse(cut) }
    }

    @Test func headerLengthBeyondFile() {
        #expect(throws: SafeTensorsError.headerLength(path: "x", length: 1000, fileSize: 16)) {
            try parse(Self.file(header: "{}", length: 1000))
        }
        #expect(throws: SafeTensorsError.headerLength(path: "x", length: UInt64.max, fileSize: 16)) {
            try parse(Self.file(header: "{}", length: UInt64.max))
        }
        #expect(throws: SafeTensorsError.headerLength(path: "x", length: 1 << 63, fileSize: 16)) {
            try parse(Self.file(header: "{}", length: 1 << 63))
        }
    }

    @Test func headerNotJSON() {
        for header in ["not json", "[1, 2, 3]", "\"string\"", "{\"a\": ", "\u{0}\u{0}"] {
            #expect(throws: SafeTensorsError.headerNotJSON(path: "x")) { try parse(Self.file(header: header)) }
        }
    }

    @Test func badEntries() {
        expectBadEntry(Self.file(header: #"{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, dataBytes: 4),
                       name: "h", containing: "F16")
        expectBadEntry(Self.file(header: #"{"h":{"shape":[2],"data_offsets":[0,8]}}"#, dataBytes: 8), name: "h", containing: "dtype")
        expectBadEntry(Self.file(header: #"{"h":{"dtype":"F32","shape":[2]}}"#, dataBytes: 8), name: "h", containing: "missing")
        expectBadEntry(Self.file(header: #"{"h":3}"#), name: "h", containing: "not an object")
        // Offsets beyond the data section.
        expectBadEntry(Self.file(header: #"{"h":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, dataBytes: 8),
                       name: "h", containing: "outside")
        expectBadEntry(Self.file(header: #"{"h":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}"#, dataBytes: 8),
                       name: "h", containing: "outside")
        // Shape and byte range disagree; reversed range.
        expectBadEntry(Self.file(header: #"{"h":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, dataBytes: 12),
                       name: "h", containing: "does not hold")
        expectBadEntry(Self.file(header: #"{"h":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#, dataBytes: 8),
                       name: "h", containing: "does not hold")
        // Shape product overflow and absurd or negative dimensions.
        expectBadEntry(Self.file(header: #"{"h":{"dtype":"F32","shape":[2147483647,2147483647,2147483647,2147483647],"data_offsets":[0,8]}}"#, dataBytes: 8),
                       name: "h", containing: "larger than the file")
        expectBadEntry(Self.file(header: #"{"h":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#, dataBytes: 8),
                       name: "h", containing: "invalid dimension")
        expectBadEntry(Self.file(header: #"{"h":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, dataBytes: 8),
                       name: "h", containing: "invalid dimension")
        expectBadEntry(Self.file(header: #"{"h":{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}}"#, dataBytes: 8),
                       name: "h", containing: "invalid dimension")
        expectBadEntry(Self.file(header: #"{"__metadata__":{"k":1}}"#), name: "__metadata__", containing: "not a string")
    }

    @Test func overlappingRanges() {
        let error = #expect(throws: SafeTensorsError.self) {
            try parse(Self.file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                                dataBytes: 12))
        }
        guard case .overlapping(_, let a, let b)? = error, Set([a, b]) == ["a", "b"] else {
            Issue.record("expected overlapping(a, b), got \(String(describing: error))")
            return
        }
    }

    /// Random truncations and byte changes of a valid checkpoint either parse or throw a SafeTensorsError.
    @Test func mutatedFilesNeverCrash() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("m.safetensors")
        try Checkpoint.save(makeCheckpointModel(seed: 9), metadata: ["a": "b"], to: path)
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let headerEnd = 8 + original.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        var rng = RandomGenerator(seed: 10)
        var parsed = 0, rejected = 0
        for trial in 0..<400 {
            var bytes = original
            if trial % 4 == 0 {
                bytes = Array(bytes.prefix(rng.nextInt(below: bytes.count)))
            } else {
                for _ in 0..<(1 + rng.nextInt(below: 3)) {
                    // Mostly the length prefix and the header, where the structure lives.
                    let i = rng.nextInt(below: trial % 2 == 0 ? headerEnd : bytes.count)
                    bytes[i] = UInt8(truncatingIfNeeded: rng.next())
                }
            }
            do {
                _ = try SafeTensors.parse(Data(bytes), path: "m")
                parsed += 1
            } catch is SafeTensorsError {
                rejected += 1
            } catch {
                Issue.record("unexpected error type \(error)")
            }
        }
        #expect(parsed + rejected == 400 && rejected > 100)
    }
}
