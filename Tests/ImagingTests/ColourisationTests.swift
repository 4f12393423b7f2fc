import Engine
import Imaging
import Testing

@Suite struct ColourisationTests {
    let plane: [Float] = (0..<16).map(Float.init)

    @Test func channelEditsOn4x4() {
        #expect(transposedPlane(plane, side: 4)[1] == 4)            // out[0][1] = in[1][0]
        let cw = rotatedClockwise(plane, side: 4)
        #expect(Array(cw[0..<4]) == [12, 8, 4, 0])                   // first row = first column read bottom-up
        #expect(rotatedCounterClockwise(cw, side: 4) == plane)
        // Laplacian of a constant 1 plane with zero padding: interior 0, corner 3 − 8 = −5, edge 5 − 8 = −3.
        let edges = laplacianEdges([Float](repeating: 1, count: 16), height: 4, width: 4)
        #expect(edges[0] == -5)
        #expect(edges[1] == -3)
        #expect(edges[5] == 0)
    }

    @Test func fourModesOn4x4() throws {
        let background = Image(width: 4, height: 4, channels: 3, pixels: (0..<48).map { Float($0 % 3 + 1) / 4 })
        var letter = [Float](repeating: -1, count: 16)
        letter[5] = 1; letter[6] = 1
        for mode in [ColourisationMode.colouredLetter, .colouredBackground] {
            var rng = RandomGenerator(seed: 1)
            let raw = try colouriseRaw(letter: letter, height: 4, width: 4, background: background,
                                       options: ColourisationOptions(mode: mode), using: &rng)
            for c in 0..<3 {
                #expect((raw[c][5] == 0) == (mode == .colouredBackground))
                #expect((raw[c][0] == 0) == (mode == .colouredLetter))
            }
        }
        var rng = RandomGenerator(seed: 2)
        let raw = try colouriseRaw(letter: letter, height: 4, width: 4, background: background,
                                   options: ColourisationOptions(mode: .letterChannel), using: &rng)
        #expect(raw.contains(letter))
        rng = RandomGenerator(seed: 2)
        let edge = try colouriseRaw(letter: letter, height: 4, width: 4, background: background, options: ColourisationOptions(mode: .edge), using: &rng)
        #expect(edge.joined().contains { $0 < 0 || $0 > 1 })
        let shown = try colourise(letter: letter, height: 4, width: 4, background: background, options: ColourisationOptions(mode: .colouredBackground), using: &rng)
        #expect(shown[1, 1, 0] == 0.5) // a zeroed letter pixel shows as mid-grey
        let blend = try colouriseRaw(letter: letter, height: 4, width: 4, background: background, options: ColourisationOptions(mode: .blend), using: &rng)
        #expect(abs(blend[0][5] - 0.75) <= 1e-6) // |0.25 − 1|
    }

    @Test func badInputsGiveClearErrors() {
        var rng = RandomGenerator(seed: 0)
        let background = Image(width: 4, height: 4, channels: 3, filledWith: 0.5)
        let threshold = #expect(throws: ColourisationError.thresholdOutOfRange(1.5)) {
            try colouriseRaw(letter: [Float](repeating: 0, count: 16), height: 4, width: 4, background: background,
                             options: ColourisationOptions(threshold: 1.5), using: &rng)
        }
        #expect("\(threshold!)".contains("threshold"))
        let size = #expect(throws: ColourisationError.self) {
            try colouriseRaw(letter: [Float](repeating: 0, count: 9), height: 3, width: 3, background: background,
                             options: ColourisationOptions(), using: &rng)
        }
        #expect("\(size!)".contains("does not match"))
    }
}
