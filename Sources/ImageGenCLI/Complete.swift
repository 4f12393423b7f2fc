import ArgumentParser
import Experiments

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
        try completeImage(run: runFolder, image: image, output: output, pasteVisible: pasteVisible)
    }
}
