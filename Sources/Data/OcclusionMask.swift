import Engine
import Imaging

/// Occlusion masks as data: tensors of shape `[H, W, 1]` holding 1 where a pixel is visible and 0 where it is
/// hidden. `applyMask(_:to:)` broadcasts a `[H, W, 1]` mask over channels and over a batch.
public enum OcclusionMask {
    /// A mask hiding the pixels in `rows` x `columns` (clamped to the image); all others visible.
    static func hiding(height: Int, width: Int, rows: Range<Int>, columns: Range<Int>) -> Tensor {
        let storage = TensorStorage(count: height * width, zeroed: false)
        storage.fill(with: 1)
        let p = storage.pointer
        for y in rows.clamped(to: 0..<height) {
            for x in columns.clamped(to: 0..<width) { p[y * width + x] = 0 }
        }
        return Tensor(shape: [height, width, 1], storage: storage)
    }

    /// The autoencoder study's occlusion: rows ⌊W/2⌋+1 … H−1 hidden, all columns (28x28: rows 15…27;
    /// 32x32: 17…31; 45x45: 23…44).
    public static func bottomHalf(height: Int, width: Int) -> Tensor {
        hiding(height: height, width: width, rows: (width / 2 + 1)..<max(height, width / 2 + 1), columns: 0..<width)
    }

    /// Rows 0 ..< ⌊H/2⌋ hidden.
    public static func topHalf(height: Int, width: Int) -> Tensor {
        hiding(height: height, width: width, rows: 0..<(height / 2), columns: 0..<width)
    }

    /// Columns 0 ..< ⌊W/2⌋ hidden.
    public static func leftHalf(height: Int, width: Int) -> Tensor {
        hiding(height: height, width: width, rows: 0..<height, columns: 0..<(width / 2))
    }

    /// Columns ⌊W/2⌋ ..< W hidden.
    public static func rightHalf(height: Int, width: Int) -> Tensor {
        hiding(height: height, width: width, rows: 0..<height, columns: (width / 2)..<width)
    }

    /// A centred `side` x `side` square hidden, starting at row ⌊(H − side)/2⌋ and column ⌊(W − side)/2⌋.
    public static func centredSquare(height: Int, width: Int, side: Int) -> Tensor {
        let top = max((height - side) / 2, 0), left = max((width - side) / 2, 0)
        return hiding(height: height, width: width, rows: top..<(top + side), columns: left..<(left + side))
    }

    /// `count` axis-aligned rectangles hidden, each side drawn uniformly from `minSide ... maxSide`
    /// (capped at the image size) and placed uniformly inside the image.
    public static func randomRectangles(height: Int, width: Int, count: Int, minSide: Int, maxSide: Int,
                                        rng: inout RandomGenerator) -> Tensor {
        precondition(minSide > 0 && maxSide >= minSide, "rectangle sides \(minSide)…\(maxSide)")
        let storage = TensorStorage(count: height * width, zeroed: false)
        storage.fill(with: 1)
        let p = storage.pointer
        for _ in 0..<count {
            let h = min(minSide + rng.nextInt(below: maxSide - minSide + 1), height)
            let w = min(minSide + rng.nextInt(below: maxSide - minSide + 1), width)
            let top = rng.nextInt(below: height - h + 1), left = rng.nextInt(below: width - w + 1)
            for y in top..<(top + h) {
                for x in left..<(left + w) { p[y * width + x] = 0 }
            }
        }
        return Tensor(shape: [height, width, 1], storage: storage)
    }

    /// `strokes` free-form brush strokes hidden (as in free-form inpainting masks): each stroke is a
    /// random walk of 1…`maxVertices` segments, each up to `maxLength` pixels long at a random angle,
    /// painted with a round brush of radius 1…`maxRadius`.
    public static func randomStrokes(height: Int, width: Int, strokes: Int, maxVertices: Int = 5, maxLength: Int = 10,
                                     maxRadius: Int = 2, rng: inout RandomGenerator) -> Tensor {
        precondition(maxVertices > 0 && maxLength > 0 && maxRadius > 0, "stroke parameters must be positive")
        let storage = TensorStorage(count: height * width, zeroed: false)
        storage.fill(with: 1)
        let p = storage.pointer
        func dab(_ cx: Double, _ cy: Double, _ radius: Double) {
            let r = Int(radius.rounded(.up))
            let ix = Int(cx.rounded()), iy = Int(cy.rounded())
            for y in max(iy - r, 0)...min(iy + r, height - 1) where y >= 0 {
                for x in max(ix - r, 0)...min(ix + r, width - 1) where x >= 0 {
                    let dx = Double(x) - cx, dy = Double(y) - cy
                    if dx * dx + dy * dy <= radius * radius { p[y * width + x] = 0 }
                }
            }
        }
        guard height > 0, width > 0 else { return Tensor(shape: [height, width, 1], storage: storage) }
        for _ in 0..<strokes {
            var x = Double(rng.nextInt(below: width)), y = Double(rng.nextInt(below: height))
            let radius = Double(1 + rng.nextInt(below: maxRadius))
            dab(x, y, radius)
            for _ in 0..<(1 + rng.nextInt(below: maxVertices)) {
                let angle = rng.nextUniformDouble() * 2 * Double.pi
                let length = Double(1 + rng.nextInt(below: maxLength))
                let nx = min(max(x + length * _cosine(angle), 0), Double(width - 1))
                let ny = min(max(y + length * _sine(angle), 0), Double(height - 1))
                let steps = max(Int(length * 2), 1)
                for s in 1...steps {
                    let t = Double(s) / Double(steps)
                    dab(x + (nx - x) * t, y + (ny - y) * t, radius)
                }
                x = nx
                y = ny
            }
        }
        return Tensor(shape: [height, width, 1], storage: storage)
    }

    /// A mask read from an image file: a pixel is visible where its mean colour is at least `threshold`
    /// (white = visible, black = hidden). The file must be `width` x `height` when those are given.
    public static func read(at path: String, height: Int? = nil, width: Int? = nil, threshold: Float = 0.5) throws -> Tensor {
        let image = try readImage(at: path)
        if let height, let width, image.height != height || image.width != width {
            throw DataError.imageSizeMismatch(path: path, found: [image.width, image.height], expected: [width, height])
        }
        let colour = min(image.channels, 3)
        var values = [Float](repeating: 0, count: image.width * image.height)
        image.pixels.withUnsafeBufferPointer { src in
            for i in 0..<values.count {
                var sum: Float = 0
                for c in 0..<colour { sum += src[i * image.channels + c] }
                values[i] = sum / Float(colour) >= threshold ? 1 : 0
            }
        }
        return Tensor(shape: [image.height, image.width, 1], scalars: values)
    }

    /// Writes `mask` as an 8-bit grey PNG (visible white, hidden black).
    public static func write(_ mask: Tensor, to path: String) throws {
        guard mask.rank == 3, mask.shape[2] == 1 else { throw DataError.invalidArgument("a mask has shape [H, W, 1], not \(mask.shape)") }
        try PNGCodec.write(Image(width: mask.shape[1], height: mask.shape[0], channels: 1, pixels: mask.scalars), to: path)
    }
}

import Foundation
@inline(__always) private func _cosine(_ x: Double) -> Double { Foundation.cos(x) }
@inline(__always) private func _sine(_ x: Double) -> Double { Foundation.sin(x) }
