import ArgumentParser
import Experiments
import Foundation

@main
struct ImageGen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imagegen",
        abstract: "Train and run small image-generation networks on the CPU.",
        subcommands: [Train.self, Evaluate.self, Complete.self, Sweep.self, Reproduce.self, Datasets.self, Backgrounds.self, Gan.self, Colourise.self, Classifier.self, Serve.self])

    /// `IMAGEGEN_CONVOLUTION=patches` turns Winograd's convolutions off (to compare the two algorithms).
    static func main() async {
        MatrixKernels.useKernelsForThisCPU()
        if ProcessInfo.processInfo.environment["IMAGEGEN_CONVOLUTION"] == "patches" { ConvolutionAlgorithm.usesWinograd = false }
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand { try await asynchronous.run() } else { try command.run() }
        } catch ExperimentError.interrupted(let stop) {
            exit(withError: Interrupted(stop: stop, resume: nil))
        } catch {
            exit(withError: error)
        }
    }
}

/// A stopped run, with the command that continues it.
struct Interrupted: Error, CustomStringConvertible {
    var stop: Interruption.Stop
    /// The continuing command when it is not the job's own `train --resume`.
    var resume: String?

    var description: String {
        let base = ExperimentError.interrupted(stop).description
        guard let folder = stop.folder else { return base }
        let command = resume ?? {
            switch stop.job {
            case .autoencoder: return "imagegen train --output \(folder) --resume"
            case .background: return "imagegen backgrounds train --output \(folder) --resume"
            case .gan: return "imagegen gan train --output \(folder) --resume"
            case .classifier: return "imagegen classifier train --output \(folder) --resume"
            }
        }()
        return base + ". Resume with: \(command)"
    }
}
