import NN
import Testing
import TestSupport

/// The safetensors reader rejects every malformed file of its fuzz corpus with a typed error naming the file.
@Suite struct FuzzCorpusTests {
    @Test func safetensors() {
        FuzzCorpus().expectRejected("safetensors", [SafeTensorsError.self]) { _ = try SafeTensors.read($0) }
    }
}
