import Engine
import Foundation
import Imaging

/// The "occluded | completed | original" comparison picture: one row per example, three tiles per row, so
/// each example reads left to right, with optional column headings drawn in the built-in 5x7 font.
public enum SampleGrid {
    public static let defaultLabels = ["occluded", "completed", "original"]

    /// The grid as an image. The three batches have the same shape `[N, H, W, C]` (or `[N, H, W]`); at most
    /// `maxRows` examples are shown. `scale` enlarges every tile by pixel repetition; `nil` picks the
    /// smallest factor (up to 4) at which the longest label fits over a tile. Tiles sit on `background`
    /// with `padding` pixels between them; labels are drawn dark on a light background and vice versa.
    ///
    /// Size: width `3 (W·scale + padding) + padding`, height `N (H·scale + padding) + padding`, plus
    /// `padding + ImageGridOptions.labelHeight` rows of heading when `labels` is not `nil`.
    public static func make(occluded: Tensor, completed: Tensor, original: Tensor, labels: [String]? = defaultLabels,
                            maxRows: Int? = nil, scale: Int? = nil, padding: Int = 2, background: Float = 1) throws -> Image {
        try make(columns: [occluded, completed, original], labels: labels, maxRows: maxRows, scale: scale, padding: padding,
                 background: background)
    }

    /// The same picture with any number of columns (e.g. occluded | 4 samples | mean | original), one batch each.
    public static func make(columns: [Tensor], labels: [String]?, maxRows: Int? = nil, scale: Int? = nil, padding: Int = 2,
                            background: Float = 1) throws -> Image {
        guard let shape = columns.first?.shape else { throw ExperimentError.invalidArgument("sample grid: no columns") }
        guard columns.allSatisfy({ $0.shape == shape }) else {
            throw ExperimentError.invalidArgument("sample grid: shapes \(columns.map(\.shape)) differ")
        }
        guard shape.count == 3 || shape.count == 4, shape[0] > 0 else {
            throw ExperimentError.invalidArgument("sample grid: images have shape [N, H, W, C], not \(shape)")
        }
        if let labels, labels.count != columns.count {
            throw ExperimentError.invalidArgument("sample grid: \(labels.count) labels for \(columns.count) columns")
        }
        guard padding >= 0 else { throw ExperimentError.invalidArgument("sample grid: negative padding") }
        let (h, w, c) = (shape[1], shape[2], shape.count == 4 ? shape[3] : 1)
        guard [1, 3, 4].contains(c) else { throw ExperimentError.invalidArgument("sample grid: \(c) channels (need 1, 3 or 4)") }
        let rows = min(shape[0], max(maxRows ?? shape[0], 1))
        let factor = max(1, scale ?? automaticScale(tileWidth: w, labels: labels))

        var tiles: [Image] = []
        tiles.reserveCapacity(rows * columns.count)
        let size = h * w * c
        for row in 0..<rows {
            for batch in columns {
                let pixels = Array(UnsafeBufferPointer(start: batch.storage.pointer + row * size, count: size))
                tiles.append(enlarged(Image(width: w, height: h, channels: c, pixels: pixels), by: factor))
            }
        }
        let grid = try makeImageGrid(tiles, options: ImageGridOptions(imagesPerRow: columns.count, padding: padding, padValue: background))
        guard let labels else { return grid }

        let header = padding + ImageGridOptions.labelHeight
        var picture = Image(width: grid.width, height: grid.height + header, channels: grid.channels, filledWith: background)
        picture.pixels.replaceSubrange((header * grid.width * grid.channels)..., with: grid.pixels)
        let tileWidth = w * factor
        let ink: Float = background > 0.5 ? 0 : 1
        for (column, label) in labels.enumerated() {
            let fitting = max(0, (tileWidth + padding + 1) / BitmapFont.advance)
            let text = String(label.prefix(fitting))
            let left = padding + column * (tileWidth + padding)
            let x = left + max(0, (tileWidth - BitmapFont.width(of: text)) / 2)
            BitmapFont.draw(text, into: &picture, x: x, y: padding + 1, value: ink, clipRight: left + tileWidth + padding)
        }
        return picture
    }

    /// Builds the grid and writes it atomically as PNG (or JPEG, by extension) to `path`; returns the image.
    @discardableResult
    public static func write(occluded: Tensor, completed: Tensor, original: Tensor, to path: String,
                             labels: [String]? = defaultLabels, maxRows: Int? = nil, scale: Int? = nil, padding: Int = 2,
                             background: Float = 1) throws -> Image {
        let picture = try make(occluded: occluded, completed: completed, original: original, labels: labels, maxRows: maxRows,
                               scale: scale, padding: padding, background: background)
        try writeImage(picture, to: path)
        return picture
    }

    /// The smallest factor (1…4) at which the longest label fits over a tile of `tileWidth` pixels; 1 without labels.
    static func automaticScale(tileWidth: Int, labels: [String]?) -> Int {
        guard let labels, tileWidth > 0 else { return 1 }
        let needed = labels.map { BitmapFont.width(of: $0) }.max() ?? 0
        var factor = 1
        while factor < 4 && tileWidth * factor < needed { factor += 1 }
        return factor
    }

    /// `image` with every pixel repeated `factor` times in both directions.
    static func enlarged(_ image: Image, by factor: Int) -> Image {
        guard factor > 1 else { return image }
        let (w, h, c) = (image.width, image.height, image.channels)
        var pixels = [Float](repeating: 0, count: w * h * c * factor * factor)
        let wideWidth = w * factor
        for y in 0..<(h * factor) {
            for x in 0..<wideWidth {
                let from = ((y / factor) * w + x / factor) * c, to = (y * wideWidth + x) * c
                for k in 0..<c { pixels[to + k] = image.pixels[from + k] }
            }
        }
        return Image(width: wideWidth, height: h * factor, channels: c, pixels: pixels)
    }
}
