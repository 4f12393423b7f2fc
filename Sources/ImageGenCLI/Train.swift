import ArgumentParser
import Experiments

/// `imagegen train`: trains an autoencoder for reconstruction or completion and writes a run folder.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train an autoencoder to reconstruct or complete images.",
        discussion: "Example: imagegen train --model dense --latent 32 --task reconstruct --dataset fashion-mnist --epochs 1")

    @OptionGroup var options: TrainingOptions
    @Option(help: "Run folder (default runs/<model>-<task>-<dataset>-latent<N>).") var output: String?
    @Flag(help: "Continue the run in --output from its last checkpoint (its saved settings; --epochs may extend it).") var resume = false
    @Flag(help: "Replace an existing run folder.") var overwrite = false

    func run() throws {
        Interruption.install()
        let c = options.configuration
        let folder = output ?? "runs/\(c.model.rawValue)-\(c.task.rawValue)-\(c.dataset)-latent\(c.latentSize)"
        try TrainingSession(configuration: c, runFolder: folder, mode: RunFolder.Mode(resume: resume, overwrite: overwrite),
                            reporter: ProgressReporter(quiet: options.quiet)).run()
    }
}

extension RunFolder.Mode {
    init(resume: Bool, overwrite: Bool) { self = resume ? .resume : (overwrite ? .overwrite : .create) }
}
