import Engine
import Imaging
import Testing

@Suite struct LetterRendererTests {
    @Test func rendersEveryLetter() throws {
        let renderer = try LetterRenderer()
        var rng = RandomGenerator(seed: 0)
        let (images, labels) = try renderer.renderAlphabet(perLetter: 1, using: &rng)
        #expect(labels == Array(0..<26))
        #expect(images.count == 26 * 784)
        #expect(images.max()! > 0.9)
        #expect(images[0] == 0) // the corner stays black
    }

    @Test func missingFontsGiveClearError() {
        let error = #expect(throws: LetterRenderingError.noFonts(folder: "/nonexistent-fonts")) {
            try LetterRenderer(fontFolder: "/nonexistent-fonts")
        }
        #expect("\(error!)".contains("no TrueType fonts"))
    }
}
