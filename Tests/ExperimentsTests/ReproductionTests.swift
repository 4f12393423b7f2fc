import Data
import Experiments
import Foundation
import Testing

/// Writes an MNIST-layout folder of `size`×`size` IDX files: smooth diagonal ramps that differ per image.
private func writeTinyMNIST(to folder: String, training: Int, test: Int, size: Int) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for (stem, count) in [("train", training), ("t10k", test)] {
        var pixels: [UInt8] = []
        for i in 0..<count {
            for y in 0..<size {
                for x in 0..<size { pixels.append(UInt8((x * 7 + y * 5 + i * 13) % 256)) }
            }
        }
        try IDXFile.write(IDXArray(dims: [count, size, size], bytes: pixels), to: "\(folder)/\(stem)-images-idx3-ubyte")
        try IDXFile.write(IDXArray(dims: [count], bytes: (0..<count).map { UInt8($0 % 10) }), to: "\(folder)/\(stem)-labels-idx1-ubyte")
    }
}

@Test func reproductionRowsRecordTheirTrainingAndLinkTheirRuns() throws {
    let root = NSTemporaryDirectory() + "imagegen-reproduction-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    // 40 training images: the 80/20 split leaves 32, cut to 8 by the limit; 16×16 survives the CNN's four poolings.
    try writeTinyMNIST(to: "\(root)/data", training: 40, test: 6, size: 16)
    let reproduction = GeneratingImagesReproduction(dataset: "mnist", dataFolder: "\(root)/data", trainingLimit: 8, epochScale: 0.01,
                                                    folder: "\(root)/out")
    #expect(reproduction.configuration(for: try reproduction.rows()[0]).epochs == 1)
    let rows = try reproduction.run(reporter: ProgressReporter(quiet: true))

    #expect(rows.map(\.model) == ["basic, reconstruction", "basic, occlusion", "deep 5×5, reconstruction", "deep 5×5, occlusion",
                                  "deep 5×5, occlusion", "deep 5×5, occlusion"])
    #expect(rows.map(\.epochs) == [1, 1, 1, 1, 1, 1])
    #expect(rows.map(\.articleEpochs) == [20, 10, 15, 15, 15, 15])
    #expect(rows.map(\.trainingImages) == [8, 8, 8, 8, 8, 8])
    #expect(rows.map(\.articleTrainingImages) == [48_000, 48_000, 48_000, 48_000, 48_000, 48_000])
    #expect(rows.map(\.runFolder) == ["row1-dense-reconstruct-latent32", "row2-dense-complete-latent64", "row3-cnn-reconstruct-latent32",
                                      "row4-cnn-complete-latent32", "row5-cnn-complete-latent128", "row6-cnn-complete-latent512"])
    #expect(rows.allSatisfy { ($0.ourMSE ?? .nan).isFinite && $0.ratio != nil })
    for row in rows {
        #expect(FileManager.default.fileExists(atPath: "\(root)/out/\(row.reportPath!)"))
        #expect(FileManager.default.fileExists(atPath: "\(root)/out/\(row.samplesPath!)"))
    }

    let markdown = try String(contentsOfFile: "\(root)/out/table.md", encoding: .utf8)
    #expect(markdown.contains("| MNIST | basic, reconstruction | 32 | adam | 1 / 20 | 8 / 48,000 | 0.01700 | "))
    #expect(markdown.contains("| [report](row4-cnn-complete-latent32/report.html) · [samples](row4-cnn-complete-latent32/samples/final.png) |"))
    // 6 of the article's 20 + 10 + 4 × 15 = 90 epochs.
    #expect(markdown.contains(", with 8 of the article's 48,000 training images and 0.07 of its epochs."))
    #expect(markdown.contains("The article trained on 48,000 of MNIST's 60,000 training images, holding 20 % out for validation."))
    let csv = try String(contentsOfFile: "\(root)/out/table.csv", encoding: .utf8).split(separator: "\n").map(String.init)
    #expect(csv.count == 7)
    #expect(csv[3].hasPrefix("mnist,\"deep 5×5, reconstruction\",32,adamax,1,15,8,48000,0.00304,"))
    #expect(csv[3].hasSuffix(",row3-cnn-reconstruct-latent32/report.html,row3-cnn-reconstruct-latent32/samples/final.png"))
    let html = try String(contentsOfFile: "\(root)/out/report.html", encoding: .utf8)
    #expect(html.contains("<td>1 / 15</td><td>8 / 48,000</td>"))
    #expect(html.contains("<a href=\"row6-cnn-complete-latent512/samples/final.png\">samples</a>"))
    #expect(html.contains("with 8 of the article&#39;s 48,000 training images and 0.07 of its epochs."))

    #expect(throws: ExperimentError.runFolderExists("\(root)/out")) { try reproduction.run(reporter: ProgressReporter(quiet: true)) }
}

@Test func reproductionKnowsTheArticlesImageCounts() throws {
    #expect(GeneratingImagesTable.articleTrainingImages(for: "fashion-mnist") == 48_000)
    #expect(GeneratingImagesTable.articleTrainingImages(for: "cifar100") == 40_000)
    #expect(GeneratingImagesTable.articleTrainingImages(for: "lfw") == 10_586)
    #expect(try GeneratingImagesTable.rows(for: "lfw").allSatisfy { $0.trainingImages == 10_586 })
    let quick = GeneratingImagesReproduction(dataset: "mnist", trainingLimit: 3_200, epochScale: 0.34)
    #expect(try quick.rows().map { quick.configuration(for: $0).epochs } == [7, 3, 5, 5, 5, 5])
    #expect(quick.folder == "runs/reproduce-generating-images-mnist")
    #expect(throws: ExperimentError.invalidArgument("the epoch scale must be positive, not 0.0")) {
        try GeneratingImagesReproduction(dataset: "mnist", epochScale: 0, folder: NSTemporaryDirectory() + "unused-\(UUID().uuidString)")
            .run(reporter: ProgressReporter(quiet: true))
    }
}
