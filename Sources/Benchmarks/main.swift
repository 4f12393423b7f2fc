import CTurboJPEG
import Data
import Experiments
import Engine
import Foundation
import Imaging
import Models
import NN

/// Release-build benchmarks: `imagegen-bench [sgemm] [conv] [dense] [cnn3] [cnn5] …` prints one JSON line per workload.

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// The median over `rounds` of the mean time of `repetitions` calls, after `warmup` calls.
func timeit(warmup: Int = 3, repetitions: Int = 20, rounds: Int = 3, _ body: () -> Void) -> Double {
    for _ in 0..<warmup { body() }
    var times: [Double] = []
    for _ in 0..<rounds { times.append(seconds { for _ in 0..<repetitions { body() } } / Double(repetitions)) }
    return times.sorted()[rounds / 2]
}

func emit(_ fields: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
    fflush(stdout)
}

BLAS.useKernelsForThisCPU()
var rng = RandomGenerator(seed: 0)

func sgemmBenchmark() {
    let saved = BLAS.maximumThreads
    for threads in [1, 2] {
        BLAS.maximumThreads = threads
        for size in [256, 512, 1024] {
            let a = Tensor.uniform([size, size], using: &rng), b = Tensor.uniform([size, size], using: &rng)
            let t = timeit(repetitions: size >= 1024 ? 5 : 20) { _ = Tensor.matmul(a, b) }
            emit(["workload": "sgemm \(size)x\(size)x\(size)", "threads": threads, "gflops": 2 * Double(size * size * size) / t / 1e9])
        }
    }
    BLAS.maximumThreads = saved
}

/// Forward + backward of each convolution layer of the article's deep CNN (28×28, batch 32).
func convolutionBenchmark(kernel: Int) {
    let batch = 32
    var totalFlops = 0.0, totalTime = 0.0
    var layers: [(String, [Int], any Layer, Int)] = []
    let encoderChannels = [1, 32, 64, 128, 256]
    var size = 28
    for i in 0..<4 {
        let conv = Conv2D(inputChannels: encoderChannels[i], outputChannels: encoderChannels[i + 1], kernelSize: (kernel, kernel),
                          activation: .identity, using: &rng)
        layers.append(("encoder.conv\(i + 1)", [batch, size, size, encoderChannels[i]], conv, size * size * encoderChannels[i] * encoderChannels[i + 1]))
        size /= 2
    }
    let decoderChannels = [1, 128, 64, 32, 1]
    for i in 0..<4 {
        let deconv = Conv2DTranspose(inputChannels: decoderChannels[i], outputChannels: decoderChannels[i + 1], kernelSize: (kernel, kernel), using: &rng)
        layers.append(("decoder.deconv\(i + 1)", [batch, 28, 28, decoderChannels[i]], deconv, 28 * 28 * decoderChannels[i] * decoderChannels[i + 1]))
    }
    let only = ProcessInfo.processInfo.environment["IMAGEGEN_BENCH_LAYER"]
    for (name, shape, layer, macsPerKernelTap) in layers where only.map({ name.hasSuffix($0) }) ?? true {
        let x = Tensor.uniform(shape, using: &rng).copied(requiresGradient: true)
        let flops = 3 * 2 * Double(batch * macsPerKernelTap * kernel * kernel)
        let upstream = Tensor.uniform(layer(x).shape, using: &rng)
        let t = timeit(repetitions: 5) {
            let y = layer(x)
            y.backward(gradient: upstream)
        }
        let forward = timeit(repetitions: 5) { _ = withoutGradients { layer(x) } }
        layer.zeroGradients()
        totalFlops += flops
        totalTime += t
        emit(["workload": "\(name) \(kernel)x\(kernel) fwd+bwd", "input": shape, "gflops": flops / t / 1e9, "ms": t * 1e3,
              "forward_ms": forward * 1e3])
    }
    emit(["workload": "all conv layers \(kernel)x\(kernel) fwd+bwd", "gflops": totalFlops / totalTime / 1e9, "ms": totalTime * 1e3])
}

func trainingRate(_ model: any ImageAutoencoder, batch: Int = 32) -> Double {
    let optimizer = Adam(learningRate: 1e-3)
    let x = Tensor.uniform([batch] + model.imageShape, using: &rng)
    let parameters = model.parameters
    let t = timeit(warmup: 5, repetitions: 30) {
        model.zeroGradients()
        let loss = mseLoss(predictions: model(x), targets: x)
        loss.backward()
        optimizer.update(parameters)
    }
    return Double(batch) / t
}

/// Training images per second of the sampling completion model (batch 32, article's mask, Adam), and the time
/// to draw 8 completions of one 28×28 image (process start excluded).
func pixelCNNBenchmark() {
    let mask = OcclusionMask.bottomHalf(height: 28, width: 28)
    let model = try! ConditionalPixelCNN(imageShape: [28, 28, 1], mask: mask, using: &rng)
    let x = Tensor.uniform([32, 28, 28, 1], using: &rng)
    let optimizer = Adam(learningRate: 1e-3)
    let parameters = model.parameters
    var phases: [String: Double] = [:]
    let step = timeit(warmup: 3, repetitions: 10) {
        model.zeroGradients()
        var loss = Tensor(0)
        phases["forward_ms", default: 0] += seconds { loss = model.negativeLogLikelihood(x, visible: mask) } * 1e3
        phases["backward_ms", default: 0] += seconds { loss.backward() } * 1e3
        phases["optimizer_ms", default: 0] += seconds { optimizer.update(parameters) } * 1e3
    }
    let calls = Double(3 + 3 * 10)
    let one = Tensor.uniform([1, 28, 28, 1], using: &rng)
    var sampling = RandomGenerator(seed: 1)
    let threads = BLAS.maximumThreads
    BLAS.maximumThreads = 1  // as `imagegen complete` samples one image
    func medianSeconds(_ count: Int) -> Double {
        var times: [Double] = []
        for _ in 0..<7 { times.append(seconds { _ = model.sample(one, visible: mask, count: count, temperature: 1, using: &sampling) }) }
        return times.sorted()[3]
    }
    let single = medianSeconds(1), eight = medianSeconds(8)
    BLAS.maximumThreads = threads
    emit(["model": "conditional PixelCNN (batch 32)", "img_s": 32 / step, "forward_ms": phases["forward_ms"]! / calls,
          "backward_ms": phases["backward_ms"]! / calls, "optimizer_ms": phases["optimizer_ms"]! / calls,
          "sample_1_median_s": single, "sample_8_median_s": eight])
}

/// Background-generator training steps per second (batch 128, the article's loss, RMSprop, vectorised crops).
func backgroundRate(diverse: Bool = false) -> Double {
    let model: any BackgroundModel = diverse ? DiverseBackgroundGenerator(using: &rng) : BackgroundGenerator(using: &rng)
    // As in BackgroundJob: the update zeroes the gradients it used (PyTorch: zero_grad(set_to_none=True)).
    let optimizer = RMSProp(learningRate: 1e-5, threads: BLAS.maximumThreads, zeroesGradients: true)
    let parameters = model.parameters
    let t = timeit(warmup: 3, repetitions: 10) {
        let noise = Tensor.normal([128, 64], using: &rng)
        let images = model(noise)
        var loss = backgroundLoss(images, using: &rng).total
        if diverse { loss = loss + batchDistributionLoss(images, using: &rng) * 0.1 }
        loss.backward()
        optimizer.update(parameters)
    }
    return 1 / t
}

/// Profiling: milliseconds per phase of one background step (forward layers, losses, backward, update; median of 15).
func backgroundPhases() {
    let model = BackgroundGenerator(using: &rng)
    let optimizer = RMSProp(learningRate: 1e-5, threads: BLAS.maximumThreads, zeroesGradients: true)
    let parameters = model.parameters
    var phases: [String: [Double]] = [:]
    func t<T>(_ name: String, _ body: () -> T) -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let r = body()
        phases[name, default: []].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        return r
    }
    for _ in 0..<18 {
        let noise = t("noise") { Tensor.normal([128, 64], using: &rng) }
        let h1 = t("fc1") { model.hidden1(noise) }
        let h2 = t("fc2") { model.hidden2(h1) }
        let o = t("fc3") { model.output(h2) }
        let images = t("shift") { model.shift(o).reshaped(to: [128, 64, 64]) }
        let d = t("distribution") { distributionLoss(images, using: &rng) }
        let s = t("smoothness") { smoothnessLoss(images, using: &rng) }
        let loss = t("total") { s * 1e4 + d * 0.1 }
        t("backward") { loss.backward() }
        t("update") { optimizer.update(parameters) }
    }
    var out: [String: Any] = ["model": "bg phases ms"]
    for (k, v) in phases { out[k] = v.dropFirst(3).sorted()[7] }
    emit(out)
}

/// Conditional letter GAN: images per second of one D step + one G step at batch 128.
func ganRate() -> Double {
    // The training job's own step, on random letters.
    let letters = LetterSet(images: (0..<(128 * 4096)).map { _ in rng.nextUniform() * 2 - 1 }, labels: (0..<128).map { $0 % 26 }, source: "random")
    let job = try! GANJob(configuration: GANConfiguration(), data: letters)
    let update = StepUpdate(plan: job.plan)
    let batch = Array(0..<128)
    let t = timeit(warmup: 3, repetitions: 10) { _ = try! job.step(batch, update: update) }
    return 128 / t
}

/// Loading the whole Fashion-MNIST training file (gzip IDX) into a [60000, 28, 28, 1] Float32 tensor in [0, 1]:
/// the median of 7 runs, fused (IDXFile.readUnitTensor) and in two steps (IDXFile.read, then unitTensor), and of each step.
func loadBenchmark() {
    let path = FashionMNISTDataset.systemFolder + "/train-images-idx3-ubyte.gz"
    var shape: [Int] = []
    // IDXFile.readUnitTensor: inflate in 128 KiB chunks, each converted to Float32 as it comes.
    let fused = timeit(warmup: 1, repetitions: 1, rounds: 7) { shape = try! IDXFile.readUnitTensor(at: path).shape }
    // Two steps: IDXFile.read (the whole byte array), then IDXArray.unitTensor.
    let twoStep = timeit(warmup: 1, repetitions: 1, rounds: 7) { _ = try! IDXFile.read(at: path).unitTensor() }
    let array = try! IDXFile.read(at: path)
    let read = timeit(warmup: 1, repetitions: 1, rounds: 7) { _ = try! IDXFile.read(at: path) }
    let convert = timeit(warmup: 1, repetitions: 3, rounds: 7) { _ = array.unitTensor() }
    emit(["model": "load Fashion-MNIST train (gzip IDX -> Float32 tensor)", "shape": shape, "ms": fused * 1e3,
          "two_step_ms": twoStep * 1e3, "read_ms": read * 1e3, "convert_ms": convert * 1e3])
}

/// Decoding a 250x250 RGB JPEG (LFW's size, made by our encoder): JPEGCodec.decode vs raw TurboJPEG calls
/// (one decompressor and one output buffer reused), milliseconds per image.
func jpegBenchmark() {
    let width = 250, height = 250
    var bytes = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
        for x in 0..<width {
            let d = (x - 125) * (x - 125) + (y - 110) * (y - 110)
            let face = d < 80 * 80 ? 1 : 0
            let noise = Int(rng.next() % 24)
            bytes[(y * width + x) * 3 + 0] = UInt8(min(255, 60 + face * 140 + x / 3 + noise))
            bytes[(y * width + x) * 3 + 1] = UInt8(min(255, 50 + face * 100 + y / 3 + noise))
            bytes[(y * width + x) * 3 + 2] = UInt8(min(255, 90 + face * 60 + (x + y) / 8 + noise))
        }
    }
    let jpeg = try! JPEGCodec.encode(Image(width: width, height: height, channels: 3, bytes: bytes), quality: 90)
    let ours = timeit(warmup: 20, repetitions: 200, rounds: 5) { _ = try! JPEGCodec.decode(jpeg) }
    let handle = tjInitDecompress()!
    defer { tjDestroy(handle) }
    var output = [UInt8](repeating: 0, count: width * height * 3)
    let raw = timeit(warmup: 20, repetitions: 200, rounds: 5) {
        jpeg.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { out in
                var w: Int32 = 0, h: Int32 = 0, subsampling: Int32 = 0, colourSpace: Int32 = 0
                _ = tjDecompressHeader3(handle, src.baseAddress, UInt(src.count), &w, &h, &subsampling, &colourSpace)
                _ = tjDecompress2(handle, src.baseAddress, UInt(src.count), out.baseAddress, w, 0, h, Int32(TJPF_RGB.rawValue), 0)
            }
        }
    }
    // Raw calls again, but with a new decompressor and a new zeroed buffer per image, as JPEGCodec.decode does.
    let rawFresh = timeit(warmup: 20, repetitions: 200, rounds: 5) {
        let fresh = tjInitDecompress()!
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        jpeg.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { out in
                var w: Int32 = 0, h: Int32 = 0, subsampling: Int32 = 0, colourSpace: Int32 = 0
                _ = tjDecompressHeader3(fresh, src.baseAddress, UInt(src.count), &w, &h, &subsampling, &colourSpace)
                _ = tjDecompress2(fresh, src.baseAddress, UInt(src.count), out.baseAddress, w, 0, h, Int32(TJPF_RGB.rawValue), 0)
            }
        }
        tjDestroy(fresh)
    }
    emit(["model": "decode 250x250 RGB JPEG", "bytes": jpeg.count, "ours_ms": ours * 1e3, "turbojpeg_ms": raw * 1e3,
          "turbojpeg_fresh_handle_ms": rawFresh * 1e3, "overhead": ours / raw])
}

var arguments = Array(CommandLine.arguments.dropFirst())
if let flag = arguments.firstIndex(of: "--threads"), flag + 1 < arguments.count, let threads = Int(arguments[flag + 1]) {
    BLAS.maximumThreads = threads
    arguments.removeSubrange(flag...(flag + 1))
}
if let flag = arguments.firstIndex(of: "--no-winograd") {
    Tensor.usesWinograd = false
    arguments.remove(at: flag)
}
let workloads = arguments.isEmpty ? ["sgemm", "conv3", "conv5", "dense", "cnn3", "cnn5"] : arguments
for workload in workloads {
    switch workload {
    case "sgemm": sgemmBenchmark()
    case "conv3": convolutionBenchmark(kernel: 3)
    case "conv5": convolutionBenchmark(kernel: 5)
    case "dense":
        emit(["model": "dense AE latent 32", "img_s": trainingRate(DenseAutoencoder(imageShape: [28, 28, 1], latentSize: 32, using: &rng))])
    case "cnn3":
        emit(["model": "CNN AE 3x3 (article) latent 32",
              "img_s": trainingRate(try! ConvAutoencoder(imageShape: [28, 28, 1], configuration: .init(kernelSize: 3), using: &rng))])
    case "cnn5":
        emit(["model": "CNN AE 5x5 (code) latent 32",
              "img_s": trainingRate(try! ConvAutoencoder(imageShape: [28, 28, 1], configuration: .init(kernelSize: 5), using: &rng))])
    case "bg", "bgvec":
        emit(["model": "background generator step (batch 128)", "steps_s": backgroundRate()])
    case "bgphases": backgroundPhases()
    case "bgdiverse":
        emit(["model": "diverse background generator step (batch 128)", "steps_s": backgroundRate(diverse: true)])
    case "pixelcnn": pixelCNNBenchmark()
    case "load": loadBenchmark()
    case "jpeg": jpegBenchmark()
    case "gan":
        emit(["model": "letter GAN D+G step (batch 128)", "img_s": ganRate()])
    default:
        FileHandle.standardError.write("unknown workload \(workload)\n".data(using: .utf8)!)
        exit(2)
    }
}
