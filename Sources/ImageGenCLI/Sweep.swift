import ArgumentParser
import Experiments

/// `imagegen sweep`: trains one run per latent size and summarises them.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the same model once per latent size; one run folder each and a summary.",
        discussion: "Example: imagegen sweep --model cnn --task complete --latents 16,32,64,128,512 --epochs 3")

    @OptionGroup var options: TrainingOptions
    @Option(help: "Comma-separated latent sizes.") var latents = "16,32,64,128,512"
    @Option(help: "Sweep folder (default runs/sweep-<model>-<task>-<dataset>).") var output: String?
    @Flag(help: "Replace an existing sweep folder.") var overwrite = false
    @Flag(help: "Continue an interrupted sweep in --output (pass the same options).") var resume = false

    var sizes: [Int] {
        get throws {
            try latents.split(separator: ",").map { part in
                guard let n = Int(part.trimmingCharacters(in: .whitespaces)), n > 0 else {
                    throw ValidationError("--latents: '\(part)' is not a positive whole number")
                }
                return n
            }
        }
    }

    func validate() throws { _ = try sizes }

    func run() throws {
        let c = options.configuration
        let folder = output ?? "runs/sweep-\(c.model.rawValue)-\(c.task.rawValue)-\(c.dataset)"
        let sweep = try LatentSweep(configuration: c, latentSizes: try sizes, folder: folder)
        Interruption.install()
        let entries: [SweepEntry]
        do {
            entries = try sweep.run(mode: RunFolder.Mode(resume: resume, overwrite: overwrite), reporter: ProgressReporter(quiet: options.quiet))
        } catch ExperimentError.interrupted(let stop) {
            throw Interrupted(stop: stop, resume: "the same imagegen sweep command with --output \(folder) --resume")
        }
        print("latent   validation MSE   hidden MSE   test MSE")
        for e in entries {
            print(String(format: "%6d   %14.5f   %10@   %8@", e.latentSize, e.result.validation.meanSquaredError,
                         e.result.validation.hiddenMeanSquaredError.map { String(format: "%.5f", $0) } ?? "-",
                         e.result.test.map { String(format: "%.5f", $0.meanSquaredError) } ?? "-"))
        }
        print("summary: \(folder)/summary.csv")
    }
}
