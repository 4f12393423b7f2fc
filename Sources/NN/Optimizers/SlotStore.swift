import Engine

/// Named per-parameter buffers shared by the optimisers: `slots[name][k]` is slot k of a parameter.
final class SlotStore {
    let slotNames: [String]
    var slots: [String: [TensorStorage]] = [:]
    var shapes: [String: [Int]] = [:]

    init(slotNames: [String]) { self.slotNames = slotNames }

    /// The slots of `parameter`, created zeroed on first use.
    func buffers(for parameter: Parameter) -> [UnsafeMutablePointer<Float>] {
        if let existing = slots[parameter.name] { return existing.map(\.pointer) }
        let created = slotNames.map { _ in TensorStorage(count: parameter.tensor.scalarCount) }
        slots[parameter.name] = created
        shapes[parameter.name] = parameter.tensor.shape
        return created.map(\.pointer)
    }

    var tensors: [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, buffers) in slots {
            for (slot, storage) in zip(slotNames, buffers) {
                result["\(name).\(slot)"] = Tensor(shape: shapes[name]!, storage: storage.copy())
            }
        }
        return result
    }

    /// Replaces all slots with `state`; on error nothing changes.
    func load(_ state: [String: Tensor]) throws {
        var slots: [String: [TensorStorage]] = [:]
        var shapes: [String: [Int]] = [:]
        var grouped: [String: [String: Tensor]] = [:]
        for (key, tensor) in state {
            guard let dot = key.lastIndex(of: "."), slotNames.contains(String(key[key.index(after: dot)...])) else {
                throw OptimizerError.unknownState(key)
            }
            grouped[String(key[..<dot]), default: [:]][String(key[key.index(after: dot)...])] = tensor
        }
        for (name, bySlot) in grouped {
            var buffers: [TensorStorage] = []
            for slot in slotNames {
                guard let t = bySlot[slot] else { throw OptimizerError.missingState("\(name).\(slot)") }
                buffers.append(t.storage.copy())
                shapes[name] = t.shape
            }
            slots[name] = buffers
        }
        self.slots = slots
        self.shapes = shapes
    }
}
