import CFreeType
import Engine
import Foundation


/// Renders letters a–z through FreeType from the installed TrueType fonts, EMNIST-like: white on black,
/// 28×28, the glyph fitted into a box of about 20 pixels and centred, with random font, weight (font files),
/// size, slant (a shear transform) and position.
public final class LetterRenderer {
    public static let defaultFontFolder = "/usr/share/fonts/truetype/dejavu"
    public let fontPaths: [String]
    private var library: FT_Library?
    private var faces: [FT_Face?] = []

    /// Opens every `*.ttf` in `folder` (except DejaVuMathTeXGyre, which has no ordinary Latin letters).
    public init(fontFolder: String = LetterRenderer.defaultFontFolder) throws {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: fontFolder)) ?? [])
            .filter { $0.hasSuffix(".ttf") && !$0.contains("Math") }.sorted()
        guard !names.isEmpty else { throw LetterRenderingError.noFonts(folder: fontFolder) }
        fontPaths = names.map { "\(fontFolder)/\($0)" }
        var lib: FT_Library?
        let status = FT_Init_FreeType(&lib)
        guard status == 0 else { throw LetterRenderingError.freetypeFailed("FT_Init_FreeType", code: status) }
        library = lib
        for path in fontPaths {
            var face: FT_Face?
            let s = FT_New_Face(lib, path, 0, &face)
            guard s == 0 else { throw LetterRenderingError.fontFailed(path: path, code: s) }
            faces.append(face)
        }
    }

    deinit {
        for face in faces { FT_Done_Face(face) }
        FT_Done_FreeType(library)
    }

    /// One letter (`character`, e.g. "a") as a 28×28 upright grey image in [0, 1] (row-major `side`×`side`).
    public func render(_ character: Character, font: Int, pixelSize: Int, slant: Double, offset: (x: Int, y: Int),
                       side: Int = 28, box: Int = 20) throws -> [Float] {
        guard let face = faces[font % faces.count] else { throw LetterRenderingError.fontFailed(path: fontPaths[font % faces.count], code: -1) }
        var status = FT_Set_Pixel_Sizes(face, 0, FT_UInt(pixelSize))
        guard status == 0 else { throw LetterRenderingError.freetypeFailed("FT_Set_Pixel_Sizes", code: status) }
        var matrix = FT_Matrix(xx: 0x10000, xy: FT_Fixed(slant * 65536), yx: 0, yy: 0x10000)
        FT_Set_Transform(face, &matrix, nil)
        let code = FT_ULong(character.unicodeScalars.first!.value)
        status = FT_Load_Char(face, code, FT_Int32(FT_LOAD_RENDER))
        guard status == 0 else { throw LetterRenderingError.freetypeFailed("FT_Load_Char(\(character))", code: status) }
        let bitmap = face.pointee.glyph.pointee.bitmap
        let rows = Int(bitmap.rows), width = Int(bitmap.width), pitch = Int(bitmap.pitch)
        var glyph = [Float](repeating: 0, count: Swift.max(rows * width, 1))
        if let buffer = bitmap.buffer {
            for y in 0..<rows { for x in 0..<width { glyph[y * width + x] = Float(buffer[y * pitch + x]) / 255 } }
        }
        // Fit the glyph into the box (bilinear, keeping the aspect ratio), then centre it with the offset.
        var out = [Float](repeating: 0, count: side * side)
        guard rows > 0, width > 0 else { return out }
        let scale = Double(box) / Double(Swift.max(rows, width))
        let h = Swift.max(1, Int((Double(rows) * scale).rounded())), w = Swift.max(1, Int((Double(width) * scale).rounded()))
        let small = Image(width: width, height: rows, channels: 1, pixels: glyph).resized(width: w, height: h)
        let top = (side - h) / 2 + offset.y, left = (side - w) / 2 + offset.x
        for y in 0..<h {
            for x in 0..<w {
                let yy = top + y, xx = left + x
                guard yy >= 0, yy < side, xx >= 0, xx < side else { continue }
                out[yy * side + xx] = Swift.max(out[yy * side + xx], small.pixels[y * w + x])
            }
        }
        return out
    }

    /// `perLetter` random variants of each letter a–z: `(images [n·28·28] in [0, 1], labels 0…25)`, letter-major.
    /// Font, size (24–48 px before fitting), slant (−0.3…0.3), glyph box (16–22 px) and offset (±2 px) are random.
    public func renderAlphabet(perLetter: Int, using rng: inout RandomGenerator) throws -> (images: [Float], labels: [Int]) {
        var images: [Float] = []
        var labels: [Int] = []
        images.reserveCapacity(26 * perLetter * 784)
        for (label, scalar) in (UInt8(ascii: "a")...UInt8(ascii: "z")).enumerated() {
            for _ in 0..<perLetter {
                let font = rng.nextInt(below: faces.count)
                let size = 24 + rng.nextInt(below: 25)
                let slant = Double(rng.nextUniform()) * 0.6 - 0.3
                let box = 16 + rng.nextInt(below: 7)
                let offset = (rng.nextInt(below: 5) - 2, rng.nextInt(below: 5) - 2)
                images += try render(Character(UnicodeScalar(scalar)), font: font, pixelSize: size, slant: slant, offset: offset, box: box)
                labels.append(label)
            }
        }
        return (images, labels)
    }
}
