import Engine
import Foundation
import NN

/// A sampling completion model: a conditional PixelCNN that draws the hidden pixels one by one in raster order,
/// each from a 256-way softmax over its 8-bit level.
///
/// Two parts, chosen so that sampling costs three small matrix products per hidden pixel rather than a pass of a
/// deep network (sampling 8 completions of a 28×28 image under the article's mask is 364 such steps):
/// - **Condition** (once per image): the completion network's encoder (mask channel, conv features at full, ½ and ¼
///   resolution, two dense context layers that see the whole visible part) produces a per-pixel feature map:
///   8 channels from the dense context plus the full-resolution conv features, mixed by a 3×3 convolution.
///   It carries what the visible part says about every hidden pixel (the class, the outline).
/// - **Autoregressive head** (per pixel): a causal 7×7 convolution over the image drawn so far (mask "A": the
///   three rows above and the pixels to the left), added to the condition, then two 1×1 layers of 128 and the logits.
///   It makes each pixel agree with its neighbours, which is what turns a blurred mean into a sharp sample.
public final class ConditionalPixelCNN: SamplingCompletionModel {
    public let imageShape: [Int]
    public let mask: Tensor
    public static let levels = 256
    let encoder1, encoder2, encoder3: Conv2D
    let context1, context2, globalMap: Linear
    let condition: Conv2D
    let causal: CausalConv2D
    let hidden: [Linear]
    let output: Linear
    let pool = MaxPool2D()
    let globalChannels: Int
    public var name: String { "conditional PixelCNN (mask channel, dense context, causal \(causal.kernelSize)×\(causal.kernelSize) head)" }

    /// `mask` is `[H, W, 1]` with 1 = visible; `width` the first conv layer's filters (then 2·width twice),
    /// `contextSize` the dense layers' width, `headSize` the channels of the per-pixel head.
    public init(imageShape: [Int], mask: Tensor, width: Int = 32, contextSize: Int = 1024, globalChannels: Int = 8,
                headSize: Int = 128, hiddenLayers: Int = 2, kernelSize: Int = 7, using rng: inout RandomGenerator) throws {
        guard imageShape.count == 3, imageShape[0] >= 4, imageShape[1] >= 4 else {
            throw ModelError.invalidConfiguration(model: "conditional PixelCNN", problem: "images must be at least 4×4, got \(imageShape)")
        }
        guard mask.shape == [imageShape[0], imageShape[1], 1] else {
            throw ModelError.invalidConfiguration(model: "conditional PixelCNN", problem: "mask \(mask.shape) does not fit images \(imageShape)")
        }
        self.imageShape = imageShape
        self.mask = mask
        self.globalChannels = globalChannels
        let (h, w, c) = (imageShape[0], imageShape[1], imageShape[2])
        encoder1 = Conv2D(inputChannels: c + 1, outputChannels: width, kernelSize: (3, 3), activation: .relu, using: &rng)
        encoder2 = Conv2D(inputChannels: width, outputChannels: 2 * width, kernelSize: (3, 3), activation: .relu, using: &rng)
        encoder3 = Conv2D(inputChannels: 2 * width, outputChannels: 2 * width, kernelSize: (3, 3), activation: .relu, using: &rng)
        let features = (h / 4) * (w / 4) * 2 * width + h * w * c
        context1 = Linear(inputSize: features, outputSize: contextSize, activation: .relu, initializer: .glorotUniform, using: &rng)
        context2 = Linear(inputSize: contextSize, outputSize: contextSize, activation: .relu, initializer: .glorotUniform, using: &rng)
        globalMap = Linear(inputSize: contextSize, outputSize: h * w * globalChannels, initializer: .glorotUniform, using: &rng)
        condition = Conv2D(inputChannels: width + globalChannels, outputChannels: headSize, kernelSize: (3, 3), using: &rng)
        causal = CausalConv2D(inputChannels: c, outputChannels: headSize, kernelSize: kernelSize, using: &rng)
        hidden = (0..<hiddenLayers).map { _ in
            Linear(inputSize: headSize, outputSize: headSize, activation: .relu, initializer: .glorotUniform, using: &rng)
        }
        output = Linear(inputSize: headSize, outputSize: c * Self.levels, initializer: .glorotUniform, using: &rng)
    }

    public var parameters: [Parameter] {
        let named: [(String, any Module)] = [("encoder1", encoder1), ("encoder2", encoder2), ("encoder3", encoder3),
                                             ("context1", context1), ("context2", context2), ("global", globalMap),
                                             ("condition", condition), ("causal", causal)]
        return named.flatMap { $0.1.parameters.prefixed($0.0) }
            + hidden.enumerated().flatMap { $0.element.parameters.prefixed("hidden\($0.offset + 1)") } + output.parameters.prefixed("output")
    }

    var headSize: Int { output.inputSize }

    /// The per-pixel condition `[N, H, W, head]` from the visible part of `images`.
    func conditionMap(_ images: Tensor, visible: Tensor) -> Tensor {
        let n = images.shape[0], (h, w) = (imageShape[0], imageShape[1])
        let shown = images * visible
        let maskChannel = visible.reshaped(to: [1, h, w, 1]) * Tensor(repeating: 1, shape: [n, h, w, 1])
        let s1 = encoder1(Tensor.concatenate([shown, maskChannel], axis: 3))
        let s2 = encoder2(pool(s1))
        let s3 = encoder3(pool(s2))
        let features = Tensor.concatenate([s3.reshaped(to: [n, -1]), shown.reshaped(to: [n, -1])], axis: 1)
        let global = globalMap(context2(context1(features))).reshaped(to: [n, h, w, globalChannels])
        return condition(Tensor.concatenate([s1, global], axis: 3))
    }

    /// The positions (row-major `y · W + x`) of the hidden pixels, in the order they are drawn.
    static func hiddenPositions(_ visible: Tensor) -> [Int] {
        let v = visible.scalars
        return v.indices.filter { v[$0] < 0.5 }
    }

    /// The 8-bit level of each sample, `round(255 · x)` clamped to 0…255.
    static func level(_ x: Float) -> Int { Int(min(max((x * 255).rounded(), 0), 255)) }

    /// The logits of every hidden pixel of `images` given the pixels before it (teacher forcing), image-major in
    /// drawing order: `[N · hidden · C, 256]`.
    func logits(_ images: Tensor, visible: Tensor) -> Tensor {
        let n = images.shape[0], (h, w, c) = (imageShape[0], imageShape[1], imageShape[2])
        let features = Activation.relu(causal(images) + conditionMap(images, visible: visible))
        let positions = Self.hiddenPositions(visible)
        let rows = (0..<n).flatMap { b in positions.map { b * h * w + $0 } }
        var x = features.reshaped(to: [n * h * w, headSize]).gatheringRows(rows)
        for layer in hidden { x = layer(x) }
        return output(x).reshaped(to: [rows.count * c, Self.levels])
    }

    public func negativeLogLikelihood(_ images: Tensor, visible: Tensor) -> Tensor {
        let n = images.shape[0], (h, w, c) = (imageShape[0], imageShape[1], imageShape[2])
        let positions = Self.hiddenPositions(visible)
        let pixels = images.storage.pointer
        let labels = (0..<n).flatMap { b in positions.flatMap { p in (0..<c).map { Self.level(pixels[(b * h * w + p) * c + $0]) } } }
        return softmaxCrossEntropy(logits: logits(images, visible: visible), labels: labels)
    }

    public func sample(_ images: Tensor, visible: Tensor, count: Int, temperature: Float, using rng: inout RandomGenerator) -> Tensor {
        precondition(count > 0 && temperature >= 0 && temperature.isFinite, "sample: count \(count), temperature \(temperature)")
        let n = images.shape[0], (h, w, c) = (imageShape[0], imageShape[1], imageShape[2])
        let batch = n * count, head = headSize, levels = Self.levels
        let conditions = withoutGradients { conditionMap(images, visible: visible) }
        // The drawn images, each starting as its input with the hidden pixels at 0 (never read before drawn).
        let drawn = TensorStorage(count: batch * h * w * c, zeroed: false)
        let source = images.storage.pointer, keep = visible.storage.pointer, x = drawn.pointer
        for b in 0..<batch {
            for p in 0..<(h * w) {
                for ch in 0..<c { x[(b * h * w + p) * c + ch] = source[((b / count) * h * w + p) * c + ch] * keep[p] }
            }
        }
        // The causal kernel's visible taps as a [head, taps · C] matrix, in the order the patches are gathered.
        let offsets = CausalConv2D.offsets(kernelSize: causal.kernelSize)
        let k = causal.kernelSize, r = k / 2, taps = offsets.count * c
        let kernel = causal.convolution.weight.storage.pointer
        var causalWeights = [Float](repeating: 0, count: head * taps)
        for o in 0..<head {
            for (t, offset) in offsets.enumerated() {
                for ch in 0..<c { causalWeights[o * taps + t * c + ch] = kernel[((o * k + r + offset.dy) * k + r + offset.dx) * c + ch] }
            }
        }
        let causalBias = causal.convolution.bias!.storage.pointer
        let outputWeights = output.weight.storage.pointer, outputBias = output.bias!.storage.pointer
        let condition = conditions.storage.pointer
        var patch = [Float](repeating: 0, count: batch * taps)
        var first = [Float](repeating: 0, count: batch * head), second = [Float](repeating: 0, count: batch * head)
        var logits = [Float](repeating: 0, count: batch * c * levels)
        var weights = [Float](repeating: 0, count: levels)
        for position in Self.hiddenPositions(visible) {
            let (y, px) = (position / w, position % w)
            for b in 0..<batch {
                for (t, offset) in offsets.enumerated() {
                    let (yy, xx) = (y + offset.dy, px + offset.dx)
                    let inside = yy >= 0 && xx >= 0 && xx < w
                    for ch in 0..<c { patch[b * taps + t * c + ch] = inside ? x[((b * h + yy) * w + xx) * c + ch] : 0 }
                }
            }
            causalWeights.withUnsafeBufferPointer { wc in
                BLAS.gemm(transposeA: false, transposeB: true, m: batch, n: head, k: taps, a: patch, lda: taps, b: wc.baseAddress!,
                          ldb: taps, beta: 0, c: &first, ldc: head)
            }
            for b in 0..<batch {
                let cond = condition + ((b / count) * h * w + position) * head
                for j in 0..<head { first[b * head + j] = max(first[b * head + j] + causalBias[j] + cond[j], 0) }
            }
            for layer in hidden {
                BLAS.gemm(transposeA: false, transposeB: true, m: batch, n: head, k: head, a: first, lda: head,
                          b: layer.weight.storage.pointer, ldb: head, beta: 0, c: &second, ldc: head)
                let bias = layer.bias!.storage.pointer
                for b in 0..<batch { for j in 0..<head { first[b * head + j] = max(second[b * head + j] + bias[j], 0) } }
            }
            BLAS.gemm(transposeA: false, transposeB: true, m: batch, n: c * levels, k: head, a: first, lda: head, b: outputWeights,
                      ldb: head, beta: 0, c: &logits, ldc: c * levels)
            for b in 0..<batch {
                for ch in 0..<c {
                    let row = (b * c + ch) * levels
                    var best = 0, largest = -Float.infinity
                    for l in 0..<levels {
                        let value = logits[row + l] + outputBias[ch * levels + l]
                        logits[row + l] = value
                        if value > largest { largest = value; best = l }
                    }
                    var chosen = best
                    if temperature > 0 {
                        var total: Float = 0
                        for l in 0..<levels {
                            total += expf((logits[row + l] - largest) / temperature)
                            weights[l] = total
                        }
                        let u = rng.nextUniform() * total
                        chosen = weights.firstIndex { $0 > u } ?? best
                    }
                    x[((b * h * w) + position) * c + ch] = Float(chosen) / 255
                }
            }
        }
        return Tensor(shape: [batch, h, w, c], storage: drawn)
    }
}
