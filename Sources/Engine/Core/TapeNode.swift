#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One recorded operation: its inputs on the tape and the pullback that turns the gradient of
/// its output into gradient contributions to those inputs.
final class TapeNode {
    /// Cleared only while the node is being destroyed (see `deinit`).
    private(set) var inputs: [TapeNode]
    /// Receives the output's gradient; adds each input's contribution with `accumulate`.
    /// Cleared only while the node is being destroyed (see `deinit`).
    private(set) var pullback: ((TensorStorage) -> Void)?
    let count: Int
    let isLeaf: Bool
    var gradient: TensorStorage?

    init(leafCount: Int) {
        inputs = []
        pullback = nil
        count = leafCount
        isLeaf = true
    }

    init(count: Int, inputs: [TapeNode], pullback: @escaping (TensorStorage) -> Void) {
        self.inputs = inputs
        self.pullback = pullback
        self.count = count
        isLeaf = false
    }

    /// The gradient buffer, created zeroed on first use.
    func gradientBuffer() -> UnsafeMutablePointer<Float> {
        if let g = gradient { return g.pointer }
        let g = TensorStorage(count: count)
        gradient = g
        return g.pointer
    }

    /// Tears the graph down iteratively. Released naively, a long chain of nodes (each holding its
    /// inputs, also captured by its pullback) is freed by one nested deinit per node and overflows the
    /// stack at a few tens of thousands of operations.
    deinit {
        guard !inputs.isEmpty else { return }
        var pending = inputs
        inputs = []
        pullback = nil // drops the closure's references to the inputs, which `pending` now holds
        while var node = pending.popLast() {
            // Only a node that nothing else refers to is about to be freed; empty it first so that
            // its own deinit has nothing left to release recursively.
            if isKnownUniquelyReferenced(&node) && !node.inputs.isEmpty {
                pending.append(contentsOf: node.inputs)
                node.inputs = []
                node.pullback = nil
            }
        }
    }
}


extension Tensor {
    /// Builds the result of an operation, recording `pullback` when any operand is on the tape.
    /// This is how new differentiable operations are defined outside the engine.
    ///
    /// The pullback receives the result's gradient and a function that returns the gradient buffer
    /// of operand `i` (or `nil` when that operand is a constant).
    public static func recording(
        shape: [Int], storage: TensorStorage, operands: [Tensor],
        pullback: @escaping (_ gradient: TensorStorage, _ into: (Int) -> UnsafeMutablePointer<Float>?) -> Void
    ) -> Tensor {
        guard GradientMode.isEnabled, operands.contains(where: { $0.node != nil }) else {
            return Tensor(shape: shape, storage: storage, node: nil)
        }
        let nodes = operands.map { $0.node }
        let inputs = nodes.compactMap { $0 }
        let node = TapeNode(count: storage.count, inputs: inputs) { g in
            pullback(g) { i in nodes[i]?.gradientBuffer() }
        }
        return Tensor(shape: shape, storage: storage, node: node)
    }

    /// Computes gradients of this scalar with respect to every leaf it depends on, adding them to the
    /// leaves' `gradient`. Intermediate gradients are released as soon as they have been propagated.
    public func backward() {
        precondition(scalarCount == 1, "backward() needs a scalar, got shape \(shape)")
        guard let root = node else { return }
        root.gradientBuffer()[0] += 1
        propagate(from: root)
    }

    /// Computes gradients of this tensor with respect to every leaf it depends on, starting from
    /// `gradient` (the gradient of some scalar with respect to this tensor, of the same shape), as
    /// PyTorch's `tensor.backward(gradient)`.
    public func backward(gradient: Tensor) {
        precondition(gradient.shape == shape, "backward(gradient:): gradient \(gradient.shape) for a tensor of shape \(shape)")
        guard let root = node else { return }
        let buffer = root.gradientBuffer()
        for i in 0..<scalarCount { buffer[i] += gradient.storage.pointer[i] }
        propagate(from: root)
    }

    private func propagate(from root: TapeNode) {
        // Iterative depth-first topological order.
        var order: [TapeNode] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(TapeNode, Bool)] = [(root, false)]
        while let (n, expanded) = stack.popLast() {
            if expanded { order.append(n); continue }
            if !visited.insert(ObjectIdentifier(n)).inserted { continue }
            stack.append((n, true))
            for input in n.inputs where !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        for n in order.reversed() {
            guard let pullback = n.pullback, let g = n.gradient else { continue }
            pullback(g)
            if !n.isLeaf { n.gradient = nil }
        }
        // A leaf root (a scalar leaf differentiated by itself) keeps its gradient like any other leaf.
        if !root.isLeaf { root.gradient = nil }
    }
}
