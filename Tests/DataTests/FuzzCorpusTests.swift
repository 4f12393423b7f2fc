@testable import Data
import Engine
import Testing
import TestSupport

/// The data parsers reject every malformed file of their fuzz corpus with a typed error naming the file.
@Suite struct FuzzCorpusTests {
    let corpus = FuzzCorpus()

    @Test func idx() {
        corpus.expectRejected("idx", [DataError.self, FileReadError.self]) { _ = try IDXFile.read(at: $0, byteLimit: 1 << 24) }
    }

    @Test func gzip() {
        corpus.expectRejected("gzip", [DataError.self, FileReadError.self]) { _ = try IDXFile.read(at: $0, byteLimit: 1 << 24) }
    }

    @Test func cifar() {
        corpus.expectRejected("cifar", [DataError.self, FileReadError.self]) {
            _ = try CIFARRecords.decode(path: $0, labelBytes: 1, labelByte: 0, classCount: 10)
        }
        corpus.expectRejected("cifar", [DataError.self, FileReadError.self]) {
            _ = try CIFARRecords.decode(path: $0, labelBytes: 2, labelByte: 1, classCount: 100)
        }
    }
}
