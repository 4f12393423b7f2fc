import ArgumentParser
import Experiments

/// `imagegen train`: trains an autoencoder for reconstruction or completion and writes a run folder.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train an autoencoder to reconstruct or complete images.",
        discussion: "Example: imagegen train --model dense --latent 32 --task reconstruct --dataset fashion-mnist --epochs 1")

    @OptionGroup var options: TrainingOptions
    @Option(help: "Run folder (default runs/<model>-<task>-<dataset>-latent<N>).") var output: String?
    @Flag(help: "Continue the run in --output from its last checkpoint.") var resume = false
    @Flag(help: "Replace an existing run folder.") var overwrite = false

    func run() throws {
        Interruption.install()
        let c = options.configuration
        let folder = output ?? "runs/\(c.model)-\(c.task)-\(c.dataset)-latent\(c.latentSize)"
        let session = try TrainingSession(configuration: c, runFolder: folder,
                                          mode: resume ? .resume : (overwrite ? .overwrite : .create),
                                          reporter: ProgressReporter(quiet: options.quiet))
        try session.run()
    }
}
