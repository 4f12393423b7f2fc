import Engine
import Imaging
import Testing
import TestSupport

/// The image decoders reject every malformed file of their fuzz corpus with a typed error naming the file.
@Suite struct FuzzCorpusTests {
    let corpus = FuzzCorpus()

    @Test func png() {
        corpus.expectRejected("png", [ImageError.self, FileReadError.self]) { _ = try PNGCodec.read(at: $0) }
        corpus.expectRejected("png", [ImageError.self, FileReadError.self]) { _ = try readImage(at: $0) }
    }

    @Test func jpeg() {
        corpus.expectRejected("jpeg", [ImageError.self, FileReadError.self]) { _ = try JPEGCodec.read(at: $0) }
        corpus.expectRejected("jpeg", [ImageError.self, FileReadError.self]) { _ = try readImage(at: $0) }
    }
}
