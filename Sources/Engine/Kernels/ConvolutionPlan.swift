/// How a convolution's images are divided between workers and into patch-matrix chunks.
struct ConvolutionPlan {
    let workers: Int
    let imagesPerChunk: Int

    /// Patch chunks stay within about this many bytes, so they are reused from cache by the product.
    static let chunkBytes = 4 << 20
    /// Products smaller than this many multiply-adds stay on one thread.
    static let parallelWork = 1 << 21

    init(images: Int, pixelsPerImage: Int, patchLength: Int, filters: Int) {
        let work = images * pixelsPerImage * patchLength * filters
        workers = work >= Self.parallelWork && images >= 2 ? BLAS.maximumThreads : 1
        let perImage = max(pixelsPerImage * patchLength * 4, 1)
        imagesPerChunk = max(1, min(images, Self.chunkBytes / perImage))
    }

    /// Consecutive image ranges of at most `imagesPerChunk` covering `images`.
    func chunks(_ images: Range<Int>) -> [Range<Int>] {
        stride(from: images.lowerBound, to: images.upperBound, by: imagesPerChunk).map {
            $0..<Swift.min($0 + imagesPerChunk, images.upperBound)
        }
    }
}
