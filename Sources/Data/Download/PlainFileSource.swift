import Engine

/// A plain file read sequentially.
final class PlainFileSource: ByteSource {
    private let file: ReadableFile

    init(path: String) throws {
        file = try ReadableFile(path: path)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try file.readNext(into: buffer)
    }
}
