/// Patch extraction (im2col) and its adjoint (col2im) for NHWC images.
///
/// Row `((n · smallH) + y) · smallW + x` of the patch matrix holds the window at small-side position
/// (y, x) of image n, ordered (kernel row, kernel column, channel); pixels outside the image are 0.
enum Im2Col {
    static func extract(
        _ image: UnsafePointer<Float>, batch: Int, height: Int, width: Int, channels: Int,
        geometry g: ConvolutionGeometry, smallHeight: Int, smallWidth: Int,
        into patches: UnsafeMutablePointer<Float>
    ) {
        let rowLength = g.kernelHeight * g.kernelWidth * channels
        let spanWidth = g.kernelWidth * channels
        for n in 0..<batch {
            let imageBase = image + n * height * width * channels
            for y in 0..<smallHeight {
                for x in 0..<smallWidth {
                    var dst = patches + ((n * smallHeight + y) * smallWidth + x) * rowLength
                    let x0 = x * g.strideWidth - g.padLeft
                    for a in 0..<g.kernelHeight {
                        let iy = y * g.strideHeight + a - g.padTop
                        if iy < 0 || iy >= height {
                            dst.update(repeating: 0, count: spanWidth)
                        } else if x0 >= 0 && x0 + g.kernelWidth <= width {
                            dst.update(from: imageBase + (iy * width + x0) * channels, count: spanWidth)
                        } else {
                            for b in 0..<g.kernelWidth {
                                let ix = x0 + b
                                if ix < 0 || ix >= width {
                                    (dst + b * channels).update(repeating: 0, count: channels)
                                } else {
                                    (dst + b * channels).update(from: imageBase + (iy * width + ix) * channels, count: channels)
                                }
                            }
                        }
                        dst += spanWidth
                    }
                }
            }
        }
    }

    /// Adds every patch entry back to the pixel it came from (the adjoint of `extract`).
    static func scatterAdd(
        _ patches: UnsafePointer<Float>, batch: Int, height: Int, width: Int, channels: Int,
        geometry g: ConvolutionGeometry, smallHeight: Int, smallWidth: Int,
        into image: UnsafeMutablePointer<Float>
    ) {
        let rowLength = g.kernelHeight * g.kernelWidth * channels
        for n in 0..<batch {
            let imageBase = image + n * height * width * channels
            for y in 0..<smallHeight {
                for x in 0..<smallWidth {
                    var src = patches + ((n * smallHeight + y) * smallWidth + x) * rowLength
                    let x0 = x * g.strideWidth - g.padLeft
                    for a in 0..<g.kernelHeight {
                        let iy = y * g.strideHeight + a - g.padTop
                        if iy >= 0 && iy < height {
                            for b in 0..<g.kernelWidth {
                                let ix = x0 + b
                                if ix >= 0 && ix < width {
                                    let dst = imageBase + (iy * width + ix) * channels
                                    let s = src + b * channels
                                    for c in 0..<channels { dst[c] += s[c] }
                                }
                            }
                        }
                        src += g.kernelWidth * channels
                    }
                }
            }
        }
    }
}
