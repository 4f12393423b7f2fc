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

    func run() throws {
        let sizes = try latents.split(separator: ",").map { part -> Int in
            guard let n = Int(part.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("--latents: '\(part)' is not a number") }
            return n
        }
        let c = options.configuration
        let folder = output ?? "runs/sweep-\(c.model)-\(c.task)-\(c.dataset)"
        let sweep = try LatentSweep(configuration: c, latentSizes: sizes, folder: folder)
        Interruption.install()
        let entries = try sweep.run(mode: resume ? .resume : (overwrite ? .overwrite : .create), reporter: ProgressReporter(quiet: options.quiet))
        print("latent   validation MSE   hidden MSE   test MSE")
        for e in entries {
            print(String(format: "%6d   %14.5f   %10@   %8@", e.latentSize, e.result.validation.meanSquaredError,
                         e.result.validation.hiddenMeanSquaredError.map { String(format: "%.5f", $0) } ?? "-",
                         e.result.test.map { String(format: "%.5f", $0.meanSquaredError) } ?? "-"))
        }
        print("summary: \(folder)/summary.csv")
    }
}
