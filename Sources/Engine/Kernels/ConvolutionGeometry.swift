/// How a 2-D convolution window moves over an image: kernel size, stride and explicit padding.
///
/// "Large" is the convolution's input side (and a transposed convolution's output side);
/// "small" is the side with one pixel per window position.
public struct ConvolutionGeometry: Equatable, Sendable {
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var padTop: Int
    public var padLeft: Int
    public var padBottom: Int
    public var padRight: Int

    public init(kernelHeight: Int, kernelWidth: Int, strideHeight: Int = 1, strideWidth: Int = 1,
                padTop: Int = 0, padLeft: Int = 0, padBottom: Int = 0, padRight: Int = 0) {
        precondition(kernelHeight > 0 && kernelWidth > 0 && strideHeight > 0 && strideWidth > 0,
                     "kernel and stride must be positive")
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight; self.strideWidth = strideWidth
        self.padTop = padTop; self.padLeft = padLeft; self.padBottom = padBottom; self.padRight = padRight
    }

    /// The window positions along each axis for a large side of `height × width`.
    public func smallSize(largeHeight height: Int, largeWidth width: Int) -> (height: Int, width: Int) {
        ((height + padTop + padBottom - kernelHeight) / strideHeight + 1,
         (width + padLeft + padRight - kernelWidth) / strideWidth + 1)
    }

    /// The large side a transposed convolution produces from `height × width`, plus output padding.
    public func largeSize(smallHeight height: Int, smallWidth width: Int, outputPadding: (Int, Int) = (0, 0)) -> (height: Int, width: Int) {
        ((height - 1) * strideHeight + kernelHeight - padTop - padBottom + outputPadding.0,
         (width - 1) * strideWidth + kernelWidth - padLeft - padRight + outputPadding.1)
    }
}
