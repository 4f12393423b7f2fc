import Data
import Foundation
import Testing
import TestSupport

@Test(arguments: [false, true])
func idxRoundTrip(compressed: Bool) throws {
    let directory = TemporaryDirectory()
    let images = idxImages(count: 5, height: 4, width: 3)
    let path = directory.file("images.idx")
    try IDXFile.write(images, to: path, compressed: compressed)
    #expect(try Gzip.isGzipFile(at: path) == compressed)
    let read = try IDXFile.read(at: path)
    #expect(read == images)
    #expect(read.dims == [5, 4, 3])
    #expect(read.bytes[4 * 3 + 1] == 8) // image 1, row 0, column 1: 7 + 0 + 1
    #expect(try IDXFile.readDimensions(at: path) == [5, 4, 3])
}

@Test func idxHeaderIsBigEndian() throws {
    let encoded = IDXFile.encode(IDXArray(dims: [258, 1], bytes: [UInt8](repeating: 9, count: 258)))
    #expect(Array(encoded.prefix(12)) == [0, 0, 8, 2, 0, 0, 1, 2, 0, 0, 0, 1])
}

@Test func idxConcatenatedGzipMembersAreRead() throws {
    let directory = TemporaryDirectory()
    let encoded = IDXFile.encode(idxImages(count: 3, height: 2, width: 2))
    let bytes = Gzip.compress(Array(encoded.prefix(10))) + Gzip.compress(Array(encoded.dropFirst(10)))
    let path = directory.write(bytes, to: "two-members.gz")
    #expect(try IDXFile.read(at: path) == idxImages(count: 3, height: 2, width: 2))
}

@Test(arguments: [false, true])
func idxTruncatedAtSeveralPoints(compressed: Bool) throws {
    let directory = TemporaryDirectory()
    let encoded = IDXFile.encode(idxImages(count: 4, height: 5, width: 5))
    for cut in [0, 2, 4, 9, 16, 40, encoded.count - 1] {
        let bytes = Array(encoded.prefix(cut))
        let path = directory.write(compressed ? Gzip.compress(bytes) : bytes, to: "cut-\(cut)")
        let error = caught { _ = try IDXFile.read(at: path) }
        guard case let .truncated(errorPath, _, actual)? = error as? DataError else {
            Issue.record("cut at \(cut): expected truncated, got \(String(describing: error))")
            continue
        }
        #expect(errorPath == path)
        #expect(actual == cut)
        #expect("\(error!)".contains(path))
    }
}

@Test func idxCompressedStreamCutShortIsReported() throws {
    let directory = TemporaryDirectory()
    let compressed = Gzip.compress(IDXFile.encode(idxImages(count: 50, height: 28, width: 28)), level: 0)
    for cut in [10, 30, compressed.count / 2, compressed.count - 4] {
        let path = directory.write(Array(compressed.prefix(cut)), to: "cut-\(cut).gz")
        let error = caught { _ = try IDXFile.read(at: path) } as? DataError
        switch error {
        case let .corruptCompression(errorPath, _)?, let .truncated(errorPath, _, _)?:
            #expect(errorPath == path)
        default:
            Issue.record("cut at \(cut): expected a truncation error, got \(String(describing: error))")
        }
    }
}

@Test func idxCorruptGzipIsReported() throws {
    let directory = TemporaryDirectory()
    var compressed = Gzip.compress(IDXFile.encode(idxImages(count: 20, height: 8, width: 8)))
    for i in 12..<30 { compressed[i] = 0xFF }
    let path = directory.write(compressed, to: "corrupt.gz")
    #expect(throws: DataError.self) { try IDXFile.read(at: path) }
}

@Test func idxTooLongIsRefused() throws {
    let directory = TemporaryDirectory()
    let encoded = IDXFile.encode(idxImages(count: 2, height: 2, width: 2)) + [1, 2, 3]
    let raw = directory.write(encoded, to: "long.idx")
    #expect(throws: DataError.trailingData(path: raw, expectedBytes: 4 + 12 + 8)) { try IDXFile.read(at: raw) }
    let gz = directory.write(Gzip.compress(encoded), to: "long.idx.gz")
    #expect(throws: DataError.trailingData(path: gz, expectedBytes: 4 + 12 + 8)) { try IDXFile.read(at: gz) }
}

@Test func idxWrongMagicAndTypeAreRefused() throws {
    let directory = TemporaryDirectory()
    let magic = directory.write([0x12, 0x34, 0x08, 0x01, 0, 0, 0, 1, 5], to: "magic.idx")
    #expect(throws: DataError.badMagic(path: magic, found: [0x12, 0x34, 0x08, 0x01])) { try IDXFile.read(at: magic) }
    let type = directory.write([0, 0, 0x0D, 0x01, 0, 0, 0, 1, 0, 0, 0, 0], to: "float.idx")
    #expect(throws: DataError.unsupportedElementType(path: type, type: 0x0D)) { try IDXFile.read(at: type) }
    let rank = directory.write([0, 0, 0x08, 0x00], to: "rank0.idx")
    #expect(throws: DataError.self) { try IDXFile.read(at: rank) }
}

@Test(arguments: [false, true])
func idxAbsurdHeaderIsRefusedBeforeAllocating(compressed: Bool) throws {
    let directory = TemporaryDirectory()
    // 4,000,000,000 images of 28x28: 3.1 TB claimed.
    let header: [UInt8] = [0, 0, 8, 3] + bigEndian(4_000_000_000) + bigEndian(28) + bigEndian(28)
    let bytes = header + [UInt8](repeating: 0, count: 100)
    let path = directory.write(compressed ? Gzip.compress(bytes) : bytes, to: "bomb")
    let start = Date()
    let error = caught { _ = try IDXFile.read(at: path) }
    #expect(Date().timeIntervalSince(start) < 0.5)
    guard case let .tooLarge(errorPath, claimed, _)? = error as? DataError else {
        Issue.record("expected tooLarge, got \(String(describing: error))")
        return
    }
    #expect(errorPath == path)
    #expect(claimed == 4_000_000_000 * 784)
    // Overflowing products are refused too.
    let overflow = directory.write([0, 0, 8, 4] + bigEndian(.max) + bigEndian(.max) + bigEndian(.max) + bigEndian(.max), to: "overflow")
    #expect(throws: DataError.self) { try IDXFile.read(at: overflow) }
}

@Test func gzipClaimBeyondDeflateRatioIsRefused() throws {
    // A small gzip file claiming 100 MB: more than deflate could expand it to, so refused up front.
    let directory = TemporaryDirectory()
    let bytes = [0, 0, 8, 1] + bigEndian(100_000_000) + [1, 2, 3]
    let path = directory.write(Gzip.compress(bytes), to: "claims-100mb.gz")
    let error = caught { _ = try IDXFile.read(at: path) }
    guard case .tooLarge? = error as? DataError else {
        Issue.record("expected tooLarge, got \(String(describing: error))")
        return
    }
}

@Test func missingFileNamesThePath() {
    let error = caught { _ = try IDXFile.read(at: "/nonexistent/file.idx") }
    #expect("\(error!)".contains("/nonexistent/file.idx"))
}
