/// The contents of an IDX file of unsigned bytes: its dimensions and its data, row-major.
public struct IDXArray: Equatable, Sendable {
    /// The sizes from the header, outermost first (e.g. `[60000, 28, 28]`).
    public let dims: [Int]
    /// `dims.reduce(1, *)` bytes.
    public let bytes: [UInt8]

    public init(dims: [Int], bytes: [UInt8]) {
        precondition(dims.reduce(1, *) == bytes.count, "IDX dims \(dims) need \(dims.reduce(1, *)) bytes, got \(bytes.count)")
        self.dims = dims
        self.bytes = bytes
    }
}
