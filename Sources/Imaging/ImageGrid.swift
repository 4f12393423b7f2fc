import Engine


/// Tiles `images` (all the same size) into one image, as torchvision's `make_grid`:
/// `min(imagesPerRow, n)` columns and `ceil(n / columns)` rows of cells, each tile at
/// (`padding + column * (W + padding)`, `padding + row * (H + labelSpace + padding)`), over a
/// background of `padValue`. Images with fewer channels are widened to the largest channel count.
public func makeImageGrid(_ images: [Image], options: ImageGridOptions = ImageGridOptions()) throws -> Image {
    guard let first = images.first else { throw ImageError.invalidArgument("an image grid needs at least one image") }
    guard options.imagesPerRow > 0, options.padding >= 0 else {
        throw ImageError.invalidArgument("an image grid needs imagesPerRow > 0 and padding >= 0")
    }
    if let range = options.valueRange, !(range.upperBound > range.lowerBound) {
        throw ImageError.invalidArgument("value range \(range) is empty")
    }
    if let labels = options.labels, labels.count != images.count {
        throw ImageError.invalidArgument("\(labels.count) labels for \(images.count) images")
    }
    let h = first.height, w = first.width
    guard images.allSatisfy({ $0.width == w && $0.height == h }) else {
        throw ImageError.invalidArgument("grid images must all be \(w)x\(h)")
    }
    let channels = images.map(\.channels).max()!
    let pad = options.padding
    let labelSpace = options.labels == nil ? 0 : ImageGridOptions.labelHeight
    let columns = min(options.imagesPerRow, images.count)
    let rows = (images.count + columns - 1) / columns
    let cellWidth = w + pad, cellHeight = h + labelSpace + pad
    var grid = Image(width: columns * cellWidth + pad, height: rows * cellHeight + pad, channels: channels,
                     filledWith: options.padValue)
    let low = options.valueRange?.lowerBound ?? 0
    let span = options.valueRange.map { $0.upperBound - $0.lowerBound } ?? 1
    let gridWidth = grid.width
    for (index, original) in images.enumerated() {
        let image = original.converted(toChannels: channels)
        let top = pad + (index / columns) * cellHeight, left = pad + (index % columns) * cellWidth
        image.pixels.withUnsafeBufferPointer { src in
            grid.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let from = y * w * channels, to = ((top + y) * gridWidth + left) * channels
                    for i in 0..<(w * channels) {
                        dst[to + i] = min(max((src[from + i] - low) / span, 0), 1)
                    }
                }
            }
        }
        if let labels = options.labels {
            let fitting = (w + pad + 1) / BitmapFont.advance
            BitmapFont.draw(String(labels[index].prefix(fitting)), into: &grid, x: left, y: top + h + 1,
                            value: options.labelValue, clipRight: left + w + pad)
        }
    }
    return grid
}

/// Tiles a batch tensor of shape `[N, H, W, C]` (or `[N, H, W]`) into one image; see `makeImageGrid(_:options:)`.
public func makeImageGrid(_ batch: Tensor, options: ImageGridOptions = ImageGridOptions()) throws -> Image {
    let shape = batch.shape
    guard shape.count == 3 || shape.count == 4, shape[0] > 0 else {
        throw ImageError.invalidArgument("an image batch has shape [N, H, W, C] or [N, H, W], not \(shape)")
    }
    let n = shape[0], h = shape[1], w = shape[2], c = shape.count == 4 ? shape[3] : 1
    guard [1, 3, 4].contains(c) else { throw ImageError.invalidArgument("batch images need 1, 3 or 4 channels, not \(c)") }
    let size = h * w * c
    let pointer = batch.storage.pointer
    let images = (0..<n).map { i in
        Image(width: w, height: h, channels: c, pixels: Array(UnsafeBufferPointer(start: pointer + i * size, count: size)))
    }
    return try makeImageGrid(images, options: options)
}

/// Writes the grid of a batch `[N, H, W, C]` to `path` (PNG or JPEG by extension), as torchvision's `save_image`.
public func saveImageGrid(_ batch: Tensor, to path: String, options: ImageGridOptions = ImageGridOptions()) throws {
    try writeImage(makeImageGrid(batch, options: options), to: path)
}
