import ArgumentParser
import Engine
import Experiments
import Imaging

/// `imagegen complete`: fills in the hidden part of one image with a trained model.
struct Complete: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Complete (or reconstruct) one PNG/JPEG image with a trained model.",
        discussion: "Example: imagegen complete --run runs/cnn-complete-fashion-mnist-latent32 shirt.png --output filled.png")

    @Option(name: .customLong("run"), help: "Run folder holding config.json and model.safetensors.") var runFolder: String
    @Argument(help: "The image to complete (PNG or JPEG, the model's size and channels).") var image: String
    @Option(help: "Where to write the result (PNG, or JPEG by extension).") var output: String
    @Flag(name: .customLong("paste-visible"), help: "Copy the visible pixels of the input into the result.") var pasteVisible = false

    func run() throws {
        // One image is far below the size where a second thread pays; waking OpenBLAS's pool costs more.
        BLAS.maximumThreads = 1
        let trained = try TrainedModel(runFolder: runFolder)
        let picture = try readImage(at: image)
        let expected = trained.model.imageShape
        guard picture.height == expected[0], picture.width == expected[1], picture.channels == expected[2] else {
            throw ValidationError("\(image) is \(picture.width)×\(picture.height) with \(picture.channels) channel(s); "
                                  + "the model in \(runFolder) expects \(expected[1])×\(expected[0]) with \(expected[2])")
        }
        let batch = picture.tensor.reshaped(to: [1] + expected)
        var result = try trained.predict(batch)
        if pasteVisible, let mask = trained.mask {
            result = withoutGradients { batch * mask + result * (1 - mask) }
        }
        try writeImage(try Image(tensor: result.reshaped(to: expected).clamped(min: 0, max: 1)), to: output)
    }
}
