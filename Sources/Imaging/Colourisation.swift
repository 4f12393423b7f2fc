import Engine


/// A square plane (row-major `side`×`side`) transposed.
public func transposedPlane(_ p: [Float], side: Int) -> [Float] {
    var out = p
    for y in 0..<side { for x in 0..<side { out[y * side + x] = p[x * side + y] } }
    return out
}

/// A square plane rotated 90° clockwise: out[y][x] = in[side − 1 − x][y].
public func rotatedClockwise(_ p: [Float], side: Int) -> [Float] {
    var out = p
    for y in 0..<side { for x in 0..<side { out[y * side + x] = p[(side - 1 - x) * side + y] } }
    return out
}

/// A square plane rotated 270° clockwise (90° counter-clockwise): out[y][x] = in[x][side − 1 − y].
public func rotatedCounterClockwise(_ p: [Float], side: Int) -> [Float] {
    var out = p
    for y in 0..<side { for x in 0..<side { out[y * side + x] = p[x * side + (side - 1 - y)] } }
    return out
}

/// The Laplacian edge map: 3×3 kernel (1 1 1 / 1 −8 1 / 1 1 1), zero padding 1, same size.
public func laplacianEdges(_ p: [Float], height: Int, width: Int) -> [Float] {
    var out = [Float](repeating: 0, count: height * width)
    for y in 0..<height {
        for x in 0..<width {
            var s: Float = -9 * p[y * width + x]
            for dy in -1...1 {
                let yy = y + dy
                guard yy >= 0, yy < height else { continue }
                for dx in -1...1 {
                    let xx = x + dx
                    guard xx >= 0, xx < width else { continue }
                    s += p[yy * width + xx]
                }
            }
            out[y * width + x] = s
        }
    }
    return out
}

/// Maps a raw colourised value to display range: clamp(x, −1, 1) → (x + 1) / 2, so 0 shows as mid-grey.
@inlinable public func colourisationDisplayValue(_ x: Float) -> Float { (Swift.min(Swift.max(x, -1), 1) + 1) / 2 }

/// Colourises one letter with one background.
///
/// - `letter`: `height`×`width` values in [−1, 1] (row-major, one channel).
/// - `background`: an RGB image of the same size, values in [0, 1].
/// Returns the raw planes `[3][height·width]` (before the display mapping). For `.blend` the result is already in [0, 1].
/// Random draws, in order: edit-1 channel (and, for `.rotate`, 90° or 270°), edit-2 channel, mode channel.
public func colouriseRaw(letter: [Float], height: Int, width: Int, background: Image, options: ColourisationOptions,
                         using rng: inout RandomGenerator) throws -> [[Float]] {
    try options.validate()
    guard background.channels == 3 else { throw ColourisationError.notRGB(channels: background.channels) }
    guard background.height == height, background.width == width, letter.count == height * width else {
        throw ColourisationError.sizeMismatch(letter: [height, width], background: [background.height, background.width])
    }
    let n = height * width
    var planes = (0..<3).map { c in (0..<n).map { background.pixels[$0 * 3 + c] } }
    if options.mode == .blend {
        return planes.map { plane in zip(plane, letter).map { Swift.abs($0 - ($1 + 1) / 2) } }
    }
    guard height == width else {
        throw ColourisationError.sizeMismatch(letter: [height, width], background: [background.height, background.width])
    }
    let first = rng.nextInt(below: 3)
    switch options.firstEdit {
    case .transpose: planes[first] = transposedPlane(planes[0], side: width)
    case .rotate:
        planes[first] = rng.nextInt(below: 2) == 0 ? rotatedClockwise(planes[0], side: width) : rotatedCounterClockwise(planes[0], side: width)
    }
    let second = rng.nextInt(below: 3)
    planes[second] = rotatedClockwise(planes[1], side: width)
    switch options.mode {
    case .letterChannel:
        planes[rng.nextInt(below: 3)] = letter
    case .edge:
        let c = rng.nextInt(below: 3)
        let edges = laplacianEdges(letter, height: height, width: width)
        for i in 0..<n { planes[c][i] += edges[i] }
    case .colouredLetter:
        for c in 0..<3 { for i in 0..<n where !(letter[i] > options.threshold) { planes[c][i] = 0 } }
    case .colouredBackground:
        for c in 0..<3 { for i in 0..<n where !(letter[i] < options.threshold) { planes[c][i] = 0 } }
    case .blend: break
    }
    return planes
}

/// Colourises one letter and returns the display-ready RGB image in [0, 1].
public func colourise(letter: [Float], height: Int, width: Int, background: Image, options: ColourisationOptions,
                      using rng: inout RandomGenerator) throws -> Image {
    let planes = try colouriseRaw(letter: letter, height: height, width: width, background: background, options: options, using: &rng)
    var pixels = [Float](repeating: 0, count: height * width * 3)
    let blend = options.mode == .blend
    for c in 0..<3 {
        for i in 0..<(height * width) { pixels[i * 3 + c] = blend ? planes[c][i] : colourisationDisplayValue(planes[c][i]) }
    }
    return Image(width: width, height: height, channels: 3, pixels: pixels)
}
