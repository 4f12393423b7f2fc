import Foundation
import Testing

/// The malformed files kept as a fuzzer's seed corpus, in `Fixtures/fuzz-corpus/<parser>/` beside the tests of
/// the parser (and read by `scripts/fuzz.sh`). Every parser must reject each file with one of its own typed errors
/// naming the file: never crash, never allocate what a header claims.
public struct FuzzCorpus {
    public let folder: String

    /// The corpus beside the calling test file.
    public init(besideFile filePath: String = #filePath) {
        folder = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz-corpus").path
    }

    /// The corpus files of `parser`, sorted.
    public func files(_ parser: String) -> [String] {
        let directory = "\(folder)/\(parser)"
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted().map { "\(directory)/\($0)" }
    }

    /// Runs `parse` on every file of `parser`'s corpus, expecting an error of one of `types` that names the file.
    public func expectRejected(_ parser: String, _ types: [Error.Type], sourceLocation: SourceLocation = #_sourceLocation,
                               parse: (String) throws -> Void) {
        let files = files(parser)
        #expect(files.count >= 4, "corpus for \(parser) is missing", sourceLocation: sourceLocation)
        for file in files {
            do {
                try parse(file)
                Issue.record("\(parser) accepted malformed \(file)", sourceLocation: sourceLocation)
            } catch {
                #expect(types.contains { type(of: error) == $0 }, "\(file): untyped error \(type(of: error)): \(error)",
                        sourceLocation: sourceLocation)
                #expect("\(error)".contains(file), "\(file): the error does not name the file: \(error)", sourceLocation: sourceLocation)
            }
        }
    }
}
