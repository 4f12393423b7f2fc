import Engine
import Foundation

/// An open safetensors file whose header has been validated against its size: the names, shapes and metadata
/// are known, and each tensor's bytes are read on request, into a new tensor or straight into a caller's buffer.
public final class SafeTensorsFile {
    public let path: String
    public let metadata: [String: String]
    /// Every tensor's shape, by name.
    public let shapes: [String: [Int]]
    private let file: ReadableFile
    private let dataStart: Int
    private let ranges: [String: (begin: Int, end: Int)]

    public init(path: String) throws {
        self.path = path
        file = try ReadableFile(path: path)
        let size = file.size
        guard size >= 8 else { throw SafeTensorsError.tooSmall(path: path, size: size) }
        let headerEnd = try SafeTensors.headerEnd(lengthBytes: try file.bytes(count: 8, at: 0), fileSize: size, path: path)
        let header = Data(try file.bytes(count: headerEnd, at: 0))
        let (metadata, entries) = try SafeTensors.parseHeader(header, headerEnd: headerEnd, dataSize: size - headerEnd, path: path)
        self.metadata = metadata
        shapes = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0.shape) })
        ranges = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, ($0.begin, $0.end)) })
        dataStart = headerEnd
    }

    /// Tensor `name` as a new tensor.
    public func tensor(_ name: String) throws -> Tensor {
        guard let shape = shapes[name] else { throw SafeTensorsError.badEntry(path: path, name: name, problem: "no such tensor") }
        let storage = TensorStorage(count: shape.reduce(1, *), zeroed: false)
        try read(name, into: storage.pointer)
        return Tensor(shape: shape, storage: storage)
    }

    /// Reads tensor `name`'s values into `destination`, which has room for all of them.
    public func read(_ name: String, into destination: UnsafeMutablePointer<Float>) throws {
        guard let range = ranges[name] else { throw SafeTensorsError.badEntry(path: path, name: name, problem: "no such tensor") }
        try file.readExactly(into: UnsafeMutableRawBufferPointer(start: destination, count: range.end - range.begin),
                             at: dataStart + range.begin)
    }
}
