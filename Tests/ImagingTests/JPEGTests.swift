import Imaging
import Testing
import TestSupport

/// A smooth image that JPEG reproduces closely.
func gradientImage(width: Int, height: Int, channels: Int) -> Image {
    var image = Image(width: width, height: height, channels: channels)
    for y in 0..<height {
        for x in 0..<width {
            for c in 0..<channels {
                image[y, x, c] = (Float(x) / Float(width - 1) * 0.6 + Float(y) / Float(height - 1) * 0.3 + Float(c) * 0.03)
            }
        }
    }
    return image
}

@Test(arguments: [1, 3])
func jpegRoundTripIsClose(channels: Int) throws {
    let directory = TemporaryDirectory()
    let path = directory.file("gradient.jpg")
    let image = gradientImage(width: 32, height: 24, channels: channels)
    try writeImage(image, to: path)
    let read = try readImage(at: path)
    #expect(read.width == 32 && read.height == 24 && read.channels == channels)
    let worst = zip(read.pixels, image.pixels).map { abs($0 - $1) }.max()!
    #expect(worst < 0.04)
}

@Test func jpegDropsAlpha() throws {
    let image = gradientImage(width: 16, height: 16, channels: 4)
    let read = try JPEGCodec.decode(JPEGCodec.encode(image, quality: 90))
    #expect(read.channels == 3)
}

@Test func readImageIgnoresExtension() throws {
    let directory = TemporaryDirectory()
    let path = directory.file("actually-a-jpeg.png")
    try writeImage(gradientImage(width: 8, height: 8, channels: 3), to: path, format: .jpeg)
    #expect(try readImage(at: path).channels == 3)
}

@Test func truncatedJPEGGivesTypedError() throws {
    let directory = TemporaryDirectory()
    let full = try JPEGCodec.encode(gradientImage(width: 64, height: 64, channels: 3))
    for cut in [2, 10, 100, full.count / 2, full.count - 2] {
        let path = directory.write(Array(full.prefix(cut)), to: "cut-\(cut).jpg")
        #expect(throws: ImageError.truncated(path: path, format: "JPEG")) { try readImage(at: path) }
    }
}

@Test func badJPEGQualityIsRefused() {
    #expect(throws: ImageError.self) { try JPEGCodec.encode(gradientImage(width: 4, height: 4, channels: 3), quality: 0) }
}
