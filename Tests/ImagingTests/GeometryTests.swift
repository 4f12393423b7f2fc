import Engine
import Imaging
import Testing

@Test func bilinearUpscaleMatchesHandComputedValues() {
    // 2x2 → 4x4: output coordinates map to source −0.25→0, 0.25, 0.75, 1.25→1 (clamped).
    let image = Image(width: 2, height: 2, channels: 1, pixels: [0, 0.4, 0.8, 1.0])
    let resized = image.resized(width: 4, height: 4)
    let row = { (a: Float, b: Float) -> [Float] in [a, 0.75 * a + 0.25 * b, 0.25 * a + 0.75 * b, b] }
    let top = row(0, 0.4), bottom = row(0.8, 1.0)
    let expected = (0..<4).flatMap { x in [top[x]] } // row 0
        + zip(top, bottom).map { 0.75 * $0 + 0.25 * $1 }
        + zip(top, bottom).map { 0.25 * $0 + 0.75 * $1 }
        + bottom
    for (got, want) in zip(resized.pixels, expected) { #expect(abs(got - want) < 1e-6) }
}

@Test func bilinearHalvingAveragesPairs() {
    // 4x1 → 2x1: source coordinates 0.5 and 2.5, i.e. means of neighbouring pairs.
    let image = Image(width: 4, height: 1, channels: 3, pixels: [0, 0, 0, 0.2, 0.4, 0.6, 1, 1, 1, 0.6, 0.4, 0.2])
    let resized = image.resized(width: 2, height: 1)
    let expected: [Float] = [0.1, 0.2, 0.3, 0.8, 0.7, 0.6]
    for (got, want) in zip(resized.pixels, expected) { #expect(abs(got - want) < 1e-6) }
}

@Test func bilinearOddDownscale() {
    // 5 → 3: scale 5/3; destination 1 samples (1.5)(5/3) − 0.5 = 2.0 exactly, destination 2 samples 3.6667.
    let image = Image(width: 5, height: 1, channels: 1, pixels: [0, 0.1, 0.2, 0.3, 0.4])
    let resized = image.resized(width: 3, height: 1)
    let first = Float(0.1 * (0.5 * 5.0 / 3.0 - 0.5))
    #expect(abs(resized.pixels[0] - first) < 1e-6)
    #expect(abs(resized.pixels[1] - 0.2) < 1e-6)
    #expect(abs(resized.pixels[2] - Float(0.1 * (2.5 * 5.0 / 3.0 - 0.5))) < 1e-6)
}

@Test func centreCropMatchesTorchvision() throws {
    var image = Image(width: 250, height: 250, channels: 1)
    image[80, 80, 0] = 1
    image[169, 169, 0] = 0.5
    let crop = try image.centreCropped(width: 90, height: 90)
    #expect(crop.width == 90 && crop.height == 90)
    #expect(crop[0, 0, 0] == 1)
    #expect(crop[89, 89, 0] == 0.5)
    // Odd margin: (5 − 2) / 2 = 1.5 rounds to even, 2.
    let small = Image(width: 5, height: 1, channels: 1, pixels: [0, 0.1, 0.2, 0.3, 0.4])
    #expect(try small.centreCropped(width: 2, height: 1).pixels == [0.2, 0.3])
    #expect(throws: ImageError.self) { try small.centreCropped(width: 6, height: 1) }
}

@Test func tensorConversionKeepsHWCLayout() throws {
    let image = Image(width: 2, height: 1, channels: 3, pixels: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    let tensor = image.tensor
    #expect(tensor.shape == [1, 2, 3])
    #expect(try Image(tensor: tensor) == image)
    #expect(throws: ImageError.self) { try Image(tensor: Tensor(zeros: [2, 2, 2])) }
}

@Test func channelConversion() {
    let grey = Image(width: 1, height: 1, channels: 1, pixels: [0.5])
    #expect(grey.converted(toChannels: 3).pixels == [0.5, 0.5, 0.5])
    #expect(grey.converted(toChannels: 4).pixels == [0.5, 0.5, 0.5, 1])
    let rgb = Image(width: 1, height: 1, channels: 3, pixels: [1, 0, 0])
    #expect(abs(rgb.converted(toChannels: 1).pixels[0] - 0.299) < 1e-6)
}
