import Engine

/// The index batches of one epoch: every index in `0 ..< count` exactly once, in batches of
/// `batchSize`, the last batch holding the remainder (kept, not dropped). With `shuffle`, the order
/// is a fresh permutation drawn from the generator when the iterator is made.
public struct BatchIterator: Sequence, IteratorProtocol, Sendable {
    /// The order in which indices are visited.
    public let order: [Int]
    public let batchSize: Int
    private var position = 0

    public init(count: Int, batchSize: Int, shuffle: Bool, rng: inout RandomGenerator) {
        precondition(batchSize > 0, "batch size must be positive, not \(batchSize)")
        order = shuffle ? rng.permutation(count) : Array(0..<count)
        self.batchSize = batchSize
    }

    /// The number of batches in the epoch, counting a partial last batch.
    public var batchCount: Int { (order.count + batchSize - 1) / batchSize }

    public mutating func next() -> [Int]? {
        guard position < order.count else { return nil }
        let end = Swift.min(position + batchSize, order.count)
        defer { position = end }
        return Array(order[position..<end])
    }
}
