import Engine
import Foundation
@testable import NN
import Testing
import TestSupport

/// Forward values and gradients against PyTorch 2.13 (CPU), from the JSON fixtures that
/// `Fixtures/make_fixtures.py` wrote. Tolerance 1e-4 absolute below 1, relative above: both sides compute in
/// Float32, with different summation orders (sgemm blocking, im2col vs direct kernels), which moves results by
/// a few ulps per accumulated term — ~1e-6 for these sizes; 1e-4 leaves margin without hiding a real error.
@Suite struct TorchReferenceTests {
    static let tolerance: Float = 1e-4

    /// Sets a layer's parameter from a fixture array (already converted to our layout).
    func set(_ tensor: Tensor, _ value: Tensor) {
        #expect(tensor.shape == value.shape, "parameter shape \(tensor.shape) vs fixture \(value.shape)")
        tensor.assign(value)
    }

    /// Runs `forward`, backpropagates Σ out·r, and returns the output.
    func probe(_ output: Tensor, _ r: Tensor) {
        (output * r).sum().backward()
    }

    @Test func linear() throws {
        let f = try Fixture("linear.json")
        var rng = RandomGenerator(seed: 1)
        let layer = Linear(inputSize: 5, outputSize: 4, using: &rng)
        set(layer.weight, f["weight"])
        set(layer.bias!, f["bias"])
        let x = f["x"].copied(requiresGradient: true)
        let out = layer(x)
        expectClose(out, f["out"], tolerance: Self.tolerance, "Linear out")
        probe(out, f["r"])
        expectClose(x.gradient!, f["grad_x"], tolerance: Self.tolerance, "Linear dx")
        expectClose(layer.weight.gradient!, f["grad_weight"], tolerance: Self.tolerance, "Linear dW")
        expectClose(layer.bias!.gradient!, f["grad_bias"], tolerance: Self.tolerance, "Linear db")
    }

    static let convCases: [(String, Int, Int, Padding)] = [
        ("k3_p1", 3, 1, .symmetric(1)), ("k5_p2", 5, 1, .symmetric(2)), ("k3_s2_p1", 3, 2, .symmetric(1)), ("k4_same", 4, 1, .same),
    ]

    @Test(arguments: 0..<4)
    func conv2d(index: Int) throws {
        let (name, k, s, padding) = Self.convCases[index]
        let f = try Fixture("conv2d.json")
        var rng = RandomGenerator(seed: 2)
        let layer = Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: (k, k), stride: (s, s), padding: padding, using: &rng)
        set(layer.weight, f["\(name).weight"].nchwToNHWC)
        set(layer.bias!, f["\(name).bias"])
        let x = f["\(name).x"].nchwToNHWC.copied(requiresGradient: true)
        let out = layer(x)
        expectClose(out, f["\(name).out"].nchwToNHWC, tolerance: Self.tolerance, "Conv2d \(name) out")
        probe(out, f["\(name).r"].nchwToNHWC)
        expectClose(x.gradient!, f["\(name).grad_x"].nchwToNHWC, tolerance: Self.tolerance, "Conv2d \(name) dx")
        expectClose(layer.weight.gradient!, f["\(name).grad_weight"].nchwToNHWC, tolerance: Self.tolerance, "Conv2d \(name) dW")
        expectClose(layer.bias!.gradient!, f["\(name).grad_bias"], tolerance: Self.tolerance, "Conv2d \(name) db")
    }

    static let transposeCases: [(String, Int, Int, Padding, Int)] = [
        ("k3_p1", 3, 1, .symmetric(1), 0), ("k3_s2_p1_op1", 3, 2, .symmetric(1), 1), ("k3_s2_same", 3, 2, .same, 0),
        ("k4_s2_p1", 4, 2, .same, 0),
    ]

    @Test(arguments: 0..<4)
    func convTranspose2d(index: Int) throws {
        let (name, k, s, padding, op) = Self.transposeCases[index]
        let f = try Fixture("conv_transpose2d.json")
        var rng = RandomGenerator(seed: 3)
        let layer = Conv2DTranspose(inputChannels: 3, outputChannels: 2, kernelSize: (k, k), stride: (s, s), padding: padding,
                                    outputPadding: (op, op), using: &rng)
        set(layer.weight, f["\(name).weight"].nchwToNHWC)
        set(layer.bias!, f["\(name).bias"])
        let x = f["\(name).x"].nchwToNHWC.copied(requiresGradient: true)
        let out = layer(x)
        expectClose(out, f["\(name).out"].nchwToNHWC, tolerance: Self.tolerance, "ConvTranspose2d \(name) out")
        probe(out, f["\(name).r"].nchwToNHWC)
        expectClose(x.gradient!, f["\(name).grad_x"].nchwToNHWC, tolerance: Self.tolerance, "ConvTranspose2d \(name) dx")
        expectClose(layer.weight.gradient!, f["\(name).grad_weight"].nchwToNHWC, tolerance: Self.tolerance, "ConvTranspose2d \(name) dW")
        expectClose(layer.bias!.gradient!, f["\(name).grad_bias"], tolerance: Self.tolerance, "ConvTranspose2d \(name) db")
    }

    @Test func maxPool2d() throws {
        let f = try Fixture("max_pool2d.json")
        let x = f["x"].nchwToNHWC.copied(requiresGradient: true)
        let out = MaxPool2D()(x)
        expectClose(out, f["out"].nchwToNHWC, tolerance: 0, "max_pool2d out")
        probe(out, f["r"].nchwToNHWC)
        expectClose(x.gradient!, f["grad_x"].nchwToNHWC, tolerance: 0, "max_pool2d dx")
    }

    @Test func lstm() throws {
        let f = try Fixture("lstm.json")
        var rng = RandomGenerator(seed: 4)
        let lstm = LSTM(inputSize: 3, hiddenSize: 5, using: &rng)
        set(lstm.weightIH, f["weight_ih"])
        set(lstm.weightHH, f["weight_hh"])
        set(lstm.biasIH, f["bias_ih"])
        set(lstm.biasHH, f["bias_hh"])
        let x = f["x"].copied(requiresGradient: true)
        let (out, h, c) = lstm(x)
        expectClose(out, f["out"], tolerance: Self.tolerance, "LSTM out")
        expectClose(h, f["h_n"], tolerance: Self.tolerance, "LSTM h_n")
        expectClose(c, f["c_n"], tolerance: Self.tolerance, "LSTM c_n")
        ((out * f["r"]).sum() + (h * f["r_h"]).sum() + (c * f["r_c"]).sum()).backward()
        expectClose(x.gradient!, f["grad_x"], tolerance: Self.tolerance, "LSTM dx")
        expectClose(lstm.weightIH.gradient!, f["grad_weight_ih"], tolerance: Self.tolerance, "LSTM dW_ih")
        expectClose(lstm.weightHH.gradient!, f["grad_weight_hh"], tolerance: Self.tolerance, "LSTM dW_hh")
        expectClose(lstm.biasIH.gradient!, f["grad_bias_ih"], tolerance: Self.tolerance, "LSTM db_ih")
        expectClose(lstm.biasHH.gradient!, f["grad_bias_hh"], tolerance: Self.tolerance, "LSTM db_hh")
        #expect(lstm.parameters.map(\.name) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"])
    }

    @Test func embedding() throws {
        let f = try Fixture("embedding.json")
        var rng = RandomGenerator(seed: 5)
        let embedding = Embedding(count: 6, dimensions: 4, using: &rng)
        set(embedding.weight, f["weight"])
        let out = embedding(f["indices"].scalars.map { Int($0) })
        expectClose(out, f["out"], tolerance: 0, "Embedding out")
        probe(out, f["r"])
        expectClose(embedding.weight.gradient!, f["grad_weight"], tolerance: Self.tolerance, "Embedding dW")
    }

    @Test func losses() throws {
        let f = try Fixture("losses.json")
        let p = f["bce.p"].copied(requiresGradient: true)
        let bce = binaryCrossEntropy(predictions: p, targets: f["bce.t"])
        expectClose([bce.scalar], f["bce.loss"].scalars, tolerance: Self.tolerance, "BCE loss")
        bce.backward()
        expectClose(p.gradient!, f["bce.grad_p"], tolerance: Self.tolerance, "BCE dp")

        let prediction = f["mse.prediction"].copied(requiresGradient: true)
        let mse = mseLoss(predictions: prediction, targets: f["mse.target"])
        expectClose([mse.scalar], f["mse.loss"].scalars, tolerance: Self.tolerance, "MSE loss")
        mse.backward()
        expectClose(prediction.gradient!, f["mse.grad_prediction"], tolerance: Self.tolerance, "MSE dp")

        let predictionL1 = f["mse.prediction"].copied(requiresGradient: true)
        let l1 = l1Loss(predictions: predictionL1, targets: f["mse.target"])
        expectClose([l1.scalar], f["l1.loss"].scalars, tolerance: Self.tolerance, "L1 loss")
        l1.backward()
        expectClose(predictionL1.gradient!, f["l1.grad_prediction"], tolerance: Self.tolerance, "L1 dp")
    }

    @Test(arguments: ["sgd_momentum", "sgd_nesterov", "adam", "adamax", "rmsprop"])
    func optimizerTrajectory(name: String) throws {
        let f = try Fixture("optimizers.json")
        let optimizer: Optimizer
        switch name {
        case "sgd_momentum": optimizer = SGD(learningRate: 0.1, momentum: 0.9)
        case "sgd_nesterov": optimizer = SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)
        case "adam": optimizer = Adam(learningRate: 1e-2, epsilon: 1e-8)
        case "adamax": optimizer = Adamax(learningRate: 2e-2)
        default: optimizer = RMSProp(learningRate: 1e-2)
        }
        let holder = ParameterHolder(f["initial"].scalars)
        let gradients = f["gradients"], trajectory = f["\(name).trajectory"]
        let (steps, size) = (gradients.shape[0], gradients.shape[1])
        for s in 0..<steps {
            setGradients(holder.parameters, [Array(gradients.scalars[(s * size)..<((s + 1) * size)])])
            optimizer.update(holder.parameters)
            expectClose(holder.tensor.scalars, Array(trajectory.scalars[(s * size)..<((s + 1) * size)]), tolerance: 1e-5,
                        "\(name) step \(s + 1)")
        }
        #expect(optimizer.stepCount == steps)
    }

    /// A safetensors checkpoint written by torch (`model.state_dict()`) loads into the equivalent Swift model and
    /// gives torch's output: the on-disk layouts are PyTorch's.
    @Test func torchWrittenCheckpointLoads() throws {
        let f = try Fixture("torch_model.json")
        var rng = RandomGenerator(seed: 6)
        let model = Sequential([
            Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: (3, 3), padding: .symmetric(1), using: &rng),
            ActivationLayer(.relu),
            Conv2DTranspose(inputChannels: 3, outputChannels: 2, kernelSize: (3, 3), stride: (2, 2), padding: .symmetric(1),
                            outputPadding: (1, 1), using: &rng),
        ])
        try Checkpoint.load(fixtureDirectory.appendingPathComponent("torch_model.safetensors").path, into: model)
        let out = withoutGradients { model(f["x"].nchwToNHWC) }
        expectClose(out, f["out"].nchwToNHWC, tolerance: Self.tolerance, "torch model output")
    }
}
