import CPNG
import Engine
import Foundation
import Imaging
import Testing
import TestSupport

/// A deterministic test pattern whose values are exact multiples of 1/255.
func patternImage(width: Int, height: Int, channels: Int) -> Image {
    var image = Image(width: width, height: height, channels: channels)
    for y in 0..<height {
        for x in 0..<width {
            for c in 0..<channels { image[y, x, c] = Float((y * 37 + x * 11 + c * 70) % 256) / 255 }
        }
    }
    return image
}

@Test(arguments: [1, 3, 4])
func pngRoundTripIsExact(channels: Int) throws {
    let directory = TemporaryDirectory()
    let path = directory.file("pattern-\(channels).png")
    let image = patternImage(width: 7, height: 5, channels: channels)
    try writeImage(image, to: path)
    let read = try readImage(at: path)
    #expect(read == image)
    #expect(try PNGCodec.read(at: path) == image)
}

@Test func pngWriteLeavesNoTemporaryFiles() throws {
    let directory = TemporaryDirectory()
    try PNGCodec.write(patternImage(width: 3, height: 3, channels: 3), to: directory.file("a.png"))
    try PNGCodec.write(patternImage(width: 4, height: 3, channels: 3), to: directory.file("a.png"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["a.png"])
    #expect(try readImage(at: directory.file("a.png")).width == 4)
}

@Test func pngOutOfRangeValuesAreClampedOnWrite() throws {
    let image = Image(width: 3, height: 1, channels: 1, pixels: [-0.5, 0.5, 1.7])
    let read = try PNGCodec.decode(PNGCodec.encode(image))
    #expect(read.pixels == [0, 128 / 255, 1])
}

/// Writes a 16-bit PNG with libpng's simplified API (linear samples, no 8-bit conversion).
func sixteenBitPNG(width: Int, height: Int, format: UInt32, samples: [UInt16]) -> [UInt8] {
    var control = png_image()
    control.version = UInt32(PNG_IMAGE_VERSION)
    control.width = UInt32(width)
    control.height = UInt32(height)
    control.format = format
    var size = 0
    var output = [UInt8](repeating: 0, count: samples.count * 2 + 4096)
    size = output.count
    let ok = output.withUnsafeMutableBytes { out in
        samples.withUnsafeBytes { png_image_write_to_memory(&control, out.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
    }
    precondition(ok != 0, "libpng could not write the test image")
    return Array(output.prefix(size))
}

@Test func sixteenBitGreyPNGIsReadAtFullPrecision() throws {
    let directory = TemporaryDirectory()
    let samples: [UInt16] = [0, 1, 257, 32768, 65534, 65535]
    let path = directory.write(sixteenBitPNG(width: 3, height: 2, format: 0x04, samples: samples), to: "grey16.png")
    let image = try readImage(at: path)
    #expect(image.channels == 1 && image.width == 3 && image.height == 2)
    for (value, sample) in zip(image.pixels, samples) {
        #expect(abs(value - Float(sample) / 65535) < 1e-6)
    }
}

@Test func sixteenBitRGBPNGIsRead() throws {
    let samples: [UInt16] = [65535, 0, 1000, 20000, 40000, 60000]
    let image = try PNGCodec.decode(sixteenBitPNG(width: 2, height: 1, format: 0x04 | 0x02, samples: samples))
    #expect(image.channels == 3)
    for (value, sample) in zip(image.pixels, samples) {
        #expect(abs(value - Float(sample) / 65535) < 1e-6)
    }
}

@Test func greyAlphaPNGBecomesRGBA() throws {
    // 8-bit grey+alpha written through libpng's simplified API.
    var control = png_image()
    control.version = UInt32(PNG_IMAGE_VERSION)
    control.width = 2
    control.height = 1
    control.format = 0x01
    let samples: [UInt8] = [100, 255, 200, 50]
    var size = 4096
    var output = [UInt8](repeating: 0, count: size)
    _ = output.withUnsafeMutableBytes { out in
        samples.withUnsafeBytes { png_image_write_to_memory(&control, out.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
    }
    let image = try PNGCodec.decode(Array(output.prefix(size)))
    #expect(image.channels == 4)
    #expect(image.bytes == [100, 100, 100, 255, 200, 200, 200, 50])
}

@Test func truncatedPNGGivesTypedError() throws {
    let directory = TemporaryDirectory()
    let full = try PNGCodec.encode(patternImage(width: 16, height: 16, channels: 3))
    for cut in [4, 8, 20, 40, full.count / 2, full.count - 5] {
        let path = directory.write(Array(full.prefix(cut)), to: "cut-\(cut).png")
        #expect(throws: ImageError.truncated(path: path, format: "PNG")) { try readImage(at: path) }
    }
}

@Test func garbageFileIsNotAnImage() throws {
    let directory = TemporaryDirectory()
    let path = directory.write(Array("hello, this is text".utf8), to: "fake.png")
    #expect(throws: ImageError.notAnImage(path: path)) { try readImage(at: path) }
    let empty = directory.write([], to: "empty.jpg")
    #expect(throws: ImageError.self) { try readImage(at: empty) }
    let missing = directory.file("missing.png")
    do {
        _ = try readImage(at: missing)
        Issue.record("expected a FileReadError")
    } catch let error as FileReadError {
        #expect(error == .cannotOpen(path: missing, reason: "No such file or directory"))
        #expect(error.path == missing)
        #expect(error.description.contains(missing))
    }
}

@Test func corruptPNGDataGivesDecodeError() throws {
    var bytes = try PNGCodec.encode(patternImage(width: 16, height: 16, channels: 3))
    // Damage the IDAT payload but keep the IEND chunk so the file looks complete.
    for i in 60..<80 { bytes[i] ^= 0x5A }
    #expect(throws: ImageError.self) { try PNGCodec.decode(bytes, path: "x.png") }
    do { _ = try PNGCodec.decode(bytes, path: "x.png") } catch {
        #expect("\(error)".contains("x.png"))
    }
}
