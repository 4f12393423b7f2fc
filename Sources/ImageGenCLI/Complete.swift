import ArgumentParser
import Experiments

/// `imagegen complete`: fills in the hidden part of one image with a trained model.
struct Complete: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Complete (or reconstruct) one PNG/JPEG image with a trained model; a pixelcnn run draws several completions.",
        discussion: """
            Example: imagegen complete --run runs/cnn-complete-fashion-mnist-latent32 shirt.png --output filled.png
            Sampling: imagegen complete --run runs/pixelcnn shirt.png --samples 8 --temperature 0.9 --output samples.png
            (writes the grid samples.png, input first, and samples-1.png … samples-8.png)
            """)

    @Option(name: .customLong("run"), help: "Run folder holding config.json and model.safetensors.") var runFolder: String
    @Argument(help: "The image to complete (PNG or JPEG, the model's size and channels).") var image: String
    @Option(help: "Where to write the result (PNG, or JPEG by extension).") var output: String
    @Flag(name: .customLong("paste-visible"), help: "Copy the visible pixels of the input into the result.") var pasteVisible = false
    @Option(help: "Completions to draw (sampling models; drawn in one batch).") var samples = 1
    @Option(help: "Sampling temperature: 1 the learned distribution, lower sharper and less varied, 0 the most likely pixels.")
    var temperature: Float = 1
    @Option(help: "Seed of the samples (the same seed draws the same completions).") var seed: UInt64 = 0

    var sampling: SamplingOptions { SamplingOptions(samples: samples, temperature: temperature, seed: seed) }

    func validate() throws { try validating { try sampling.validate() } }

    func run() throws {
        let written = try validating {
            try completeImage(run: runFolder, image: image, output: output, pasteVisible: pasteVisible, sampling: sampling)
        }
        if written.count > 1 { print("wrote \(written.count - 1) samples: \(written[0]) (grid), \(written[1]) … \(written.last!)") }
    }
}
