@testable import Data
import Foundation
import Imaging
import NN
import Testing

/// The malformed files kept as the fuzzers' seed corpus (`Fixtures/fuzz-corpus/<parser>/`): every parser must
/// reject each with its own typed error, never crash or allocate what a header claims.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz-corpus").path

    static func files(_ parser: String) -> [String] {
        let folder = "\(corpus)/\(parser)"
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().map { "\(folder)/\($0)" }
    }

    /// Runs `parse` on every file of `parser`'s corpus, expecting an error of one of `types`.
    func expectRejected(_ parser: String, _ types: [Error.Type], parse: (String) throws -> Void) {
        let files = Self.files(parser)
        #expect(files.count >= 4, "corpus for \(parser) is missing")
        for file in files {
            do {
                try parse(file)
                Issue.record("\(parser) accepted malformed \(file)")
            } catch {
                #expect(types.contains { type(of: error) == $0 }, "\(file): untyped error \(type(of: error)): \(error)")
                #expect("\(error)".contains("fuzz") || "\(error)".contains(file) || parser == "safetensors-memory",
                        "\(file): the error does not name the file: \(error)")
            }
        }
    }

    @Test func safetensors() {
        expectRejected("safetensors", [SafeTensorsError.self]) { _ = try SafeTensors.read($0) }
    }

    @Test func idx() {
        expectRejected("idx", [DataError.self, FileError.self]) { _ = try IDXFile.read(at: $0, byteLimit: 1 << 24) }
    }

    @Test func gzip() {
        expectRejected("gzip", [DataError.self, FileError.self]) { _ = try IDXFile.read(at: $0, byteLimit: 1 << 24) }
    }

    @Test func cifar() {
        expectRejected("cifar", [DataError.self, FileError.self]) { _ = try CIFARRecords.decode(path: $0, labelBytes: 1, labelByte: 0, classCount: 10) }
        expectRejected("cifar", [DataError.self, FileError.self]) { _ = try CIFARRecords.decode(path: $0, labelBytes: 2, labelByte: 1, classCount: 100) }
    }

    @Test func png() {
        expectRejected("png", [ImageError.self, FileError.self]) { _ = try PNGCodec.read(at: $0) }
        expectRejected("png", [ImageError.self, FileError.self]) { _ = try readImage(at: $0) }
    }

    @Test func jpeg() {
        expectRejected("jpeg", [ImageError.self, FileError.self]) { _ = try JPEGCodec.read(at: $0) }
        expectRejected("jpeg", [ImageError.self, FileError.self]) { _ = try readImage(at: $0) }
    }
}
