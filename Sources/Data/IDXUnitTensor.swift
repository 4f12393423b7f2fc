import Engine
import Imaging
#if canImport(Glibc)
import Glibc
#endif

extension IDXArray {
    /// The data as a Float32 tensor in [0, 1]; with `channelAxis` (for images) the shape gains a trailing 1,
    /// e.g. `[60000, 28, 28]` becomes `[60000, 28, 28, 1]`.
    public func unitTensor(channelAxis: Bool = true) -> Tensor {
        let storage = TensorStorage(count: bytes.count, zeroed: false)
        UnitConversion.adviseHugePages(storage.pointer, byteCount: 4 * bytes.count)
        bytes.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { UnitConversion.convert(base, to: storage.pointer, count: src.count) }
        }
        return Tensor(shape: channelAxis ? dims + [1] : dims, storage: storage)
    }
}

extension IDXFile {
    /// Reads the IDX file at `path` straight into a Float32 tensor in [0, 1] (shape `dims + [1]` with
    /// `channelAxis`). For gzip files the data is inflated in cache-sized chunks that are converted as they
    /// come, so the whole byte array never exists; the same header checks and errors as `read(at:)` apply.
    public static func readUnitTensor(at path: String, channelAxis: Bool = true, byteLimit: Int = defaultByteLimit) throws -> Tensor {
        guard try Gzip.isGzipFile(at: path) else { return try read(at: path, byteLimit: byteLimit).unitTensor(channelAxis: channelAxis) }
        let (reader, dims, headerSize, expected) = try openCompressed(at: path, byteLimit: byteLimit)
        let storage = TensorStorage(count: expected, zeroed: false)
        UnitConversion.adviseHugePages(storage.pointer, byteCount: 4 * expected)
        let chunkSize = 1 << 17
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64)
        defer { chunk.deallocate() }
        var got = 0
        while got < expected {
            let want = min(chunkSize, expected - got)
            let n = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: chunk[0..<want]))
            UnitConversion.convert(chunk.baseAddress!.assumingMemoryBound(to: UInt8.self), to: storage.pointer + got, count: n)
            got += n
            if n < want { break }
        }
        try checkCompressedEnd(reader, path: path, headerSize: headerSize, expected: expected, got: got)
        return Tensor(shape: channelAxis ? dims + [1] : dims, storage: storage)
    }
}
