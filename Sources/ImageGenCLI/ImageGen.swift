import ArgumentParser

@main
struct ImageGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imagegen",
        abstract: "Train and run small image-generation networks on the CPU.",
        subcommands: [Train.self, Evaluate.self, Complete.self, Sweep.self, Reproduce.self, Datasets.self, Backgrounds.self, Gan.self, Colourise.self])
}
