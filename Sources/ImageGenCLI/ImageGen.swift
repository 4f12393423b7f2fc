import ArgumentParser
import Engine
import Foundation

@main
struct ImageGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imagegen",
        abstract: "Train and run small image-generation networks on the CPU.",
        subcommands: [Train.self, Evaluate.self, Complete.self, Sweep.self, Reproduce.self, Datasets.self, Backgrounds.self, Gan.self, Colourise.self])

    /// `IMAGEGEN_CONVOLUTION=patches` turns Winograd's convolutions off (to compare the two algorithms).
    static func main() {
        if ProcessInfo.processInfo.environment["IMAGEGEN_CONVOLUTION"] == "patches" { Tensor.usesWinograd = false }
        main(nil)
    }
}
