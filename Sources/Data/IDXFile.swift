import Engine

/// Reads and writes IDX files (MNIST, Fashion-MNIST, EMNIST), raw or gzip-compressed.
///
/// Layout: magic `00 00 08 <ndims>`, then `ndims` big-endian UInt32 sizes, then the data.
/// Compression is detected by the gzip signature (1f 8b), not by the file name. The header is
/// validated before any data is allocated: the claimed size must fit `byteLimit`, and for gzip
/// also the most that deflate can expand the compressed file to.
public enum IDXFile {
    /// The largest data size accepted by default (2 GiB; EMNIST ByClass train, the largest, is 547 MB).
    public static let defaultByteLimit = 1 << 31
    /// Deflate cannot expand data more than about 1032:1.
    static let maximumDeflateRatio = 1032

    /// Reads the IDX file at `path`.
    public static func read(at path: String, byteLimit: Int = defaultByteLimit) throws -> IDXArray {
        if try Gzip.isGzipFile(at: path) {
            return try readCompressed(at: path, byteLimit: byteLimit)
        }
        return try readRaw(at: path, byteLimit: byteLimit)
    }

    /// Reads only the header: the dimensions the file claims (for inspection without loading).
    public static func readDimensions(at path: String) throws -> [Int] {
        if try Gzip.isGzipFile(at: path) {
            let reader = try GzipReader(path: path)
            return try parseHeader(path: path) { try reader.read(count: $0) }
        }
        let file = try ReadableFile(path: path)
        var offset = 0
        return try parseHeader(path: path) { count in
            defer { offset += count }
            return try file.bytes(count: min(count, max(file.size - offset, 0)), at: offset)
        }
    }

    static func readRaw(at path: String, byteLimit: Int) throws -> IDXArray {
        let file = try ReadableFile(path: path)
        let size = file.size
        var offset = 0
        let dims = try parseHeader(path: path) { count in
            defer { offset += count }
            return try file.bytes(count: min(count, max(size - offset, 0)), at: offset)
        }
        let expected = try dataSize(dims, path: path, limit: byteLimit)
        let actual = size - offset
        if actual < expected { throw DataError.truncated(path: path, expectedBytes: offset + expected, actualBytes: size) }
        if actual > expected { throw DataError.trailingData(path: path, expectedBytes: offset + expected) }
        return IDXArray(dims: dims, bytes: try file.bytes(count: expected, at: offset))
    }

    /// A gzip IDX file opened past its header: the reader, the dimensions, the header's size and the data size
    /// the header claims (checked against the byte limit and deflate's maximum expansion before anything is allocated).
    static func openCompressed(at path: String, byteLimit: Int) throws -> (reader: GzipReader, dims: [Int], headerSize: Int, expected: Int) {
        let reader = try GzipReader(path: path)
        var headerSize = 0
        let dims = try parseHeader(path: path) { count in
            let bytes = try reader.read(count: count)
            headerSize += bytes.count
            return bytes
        }
        let (bound, overflow) = reader.compressedSize.multipliedReportingOverflow(by: maximumDeflateRatio)
        let expected = try dataSize(dims, path: path, limit: overflow ? byteLimit : min(byteLimit, bound))
        return (reader, dims, headerSize, expected)
    }

    /// Checks that `got` bytes were all the data the header promised and that nothing follows it.
    static func checkCompressedEnd(_ reader: GzipReader, path: String, headerSize: Int, expected: Int, got: Int) throws {
        if got < expected {
            throw DataError.truncated(path: path, expectedBytes: headerSize + expected, actualBytes: headerSize + got)
        }
        if try reader.hasMoreData() { throw DataError.trailingData(path: path, expectedBytes: headerSize + expected) }
    }

    static func readCompressed(at path: String, byteLimit: Int) throws -> IDXArray {
        let (reader, dims, headerSize, expected) = try openCompressed(at: path, byteLimit: byteLimit)
        var got = 0
        let bytes = try [UInt8](unsafeUninitializedCapacity: expected) { buffer, initialised in
            got = try reader.read(into: UnsafeMutableRawBufferPointer(buffer))
            initialised = got
        }
        try checkCompressedEnd(reader, path: path, headerSize: headerSize, expected: expected, got: got)
        return IDXArray(dims: dims, bytes: bytes)
    }

    /// Parses magic and dimensions, pulling bytes through `next(count)` (which may return fewer at the end).
    static func parseHeader(path: String, next: (Int) throws -> [UInt8]) throws -> [Int] {
        let magic = try next(4)
        guard magic.count == 4 else { throw DataError.truncated(path: path, expectedBytes: 4, actualBytes: magic.count) }
        guard magic[0] == 0, magic[1] == 0 else { throw DataError.badMagic(path: path, found: magic) }
        guard magic[2] == 0x08 else { throw DataError.unsupportedElementType(path: path, type: magic[2]) }
        let rank = Int(magic[3])
        guard (1...8).contains(rank) else {
            throw DataError.badDimensions(path: path, dims: [], reason: "\(rank) dimensions (expected 1…8)")
        }
        let sizes = try next(4 * rank)
        guard sizes.count == 4 * rank else {
            throw DataError.truncated(path: path, expectedBytes: 4 + 4 * rank, actualBytes: 4 + sizes.count)
        }
        return (0..<rank).map { i in
            sizes[(4 * i)..<(4 * i + 4)].reduce(0) { $0 << 8 | Int($1) }
        }
    }

    /// The number of data bytes `dims` describe, refusing sizes above `limit` (and overflow).
    static func dataSize(_ dims: [Int], path: String, limit: Int) throws -> Int {
        var total = 1
        for d in dims {
            let (product, overflow) = total.multipliedReportingOverflow(by: d)
            if overflow { throw DataError.tooLarge(path: path, claimedBytes: Int.max, limit: limit) }
            total = product
        }
        if total > limit { throw DataError.tooLarge(path: path, claimedBytes: total, limit: limit) }
        return total
    }

    /// The IDX encoding of `array` (header and data).
    public static func encode(_ array: IDXArray) -> [UInt8] {
        var out: [UInt8] = [0, 0, 0x08, UInt8(array.dims.count)]
        out.reserveCapacity(4 + 4 * array.dims.count + array.bytes.count)
        for d in array.dims {
            out += [UInt8(truncatingIfNeeded: d >> 24), UInt8(truncatingIfNeeded: d >> 16),
                    UInt8(truncatingIfNeeded: d >> 8), UInt8(truncatingIfNeeded: d)]
        }
        out += array.bytes
        return out
    }

    /// Writes `array` to `path` atomically, gzip-compressed when `compressed` is true.
    public static func write(_ array: IDXArray, to path: String, compressed: Bool = false) throws {
        let encoded = encode(array)
        try AtomicFile.write(compressed ? Gzip.compress(encoded) : encoded, to: path)
    }
}
