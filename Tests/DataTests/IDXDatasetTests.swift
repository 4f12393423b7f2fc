import Data
import Engine
import Foundation
import Testing
import TestSupport

@Test func mnistFolderLoadsBothPartitions() throws {
    let directory = TemporaryDirectory()
    try IDXFile.write(idxImages(count: 6, height: 28, width: 28), to: directory.file("train-images-idx3-ubyte.gz"), compressed: true)
    try IDXFile.write(idxLabels([0, 1, 2, 3, 4, 9]), to: directory.file("train-labels-idx1-ubyte.gz"), compressed: true)
    try IDXFile.write(idxImages(count: 2, height: 28, width: 28), to: directory.file("t10k-images-idx3-ubyte"))
    try IDXFile.write(idxLabels([5, 6]), to: directory.file("t10k-labels-idx1-ubyte"))
    let train = try MNISTDataset.load(from: directory.path)
    #expect(train.shape == [6, 28, 28, 1])
    #expect(train.labels == [0, 1, 2, 3, 4, 9])
    #expect(train.classNames.count == 10)
    let test = try FashionMNISTDataset.load(from: directory.path, partition: .test)
    #expect(test.count == 2 && test.labels == [5, 6])
    #expect(test.classNames[9] == "Ankle boot")
    let batch = train.batch(indices: [1])
    #expect(batch.shape == [1, 28, 28, 1])
    #expect(batch.scalars[2 * 28 + 5] == Float((7 + 6 + 5) % 256) / 255)
}

@Test func emnistLettersAreTransposedAndRelabelled() throws {
    let directory = TemporaryDirectory()
    // One 2x3 image stored column-major: stored rows are image columns.
    let stored = IDXArray(dims: [1, 3, 2], bytes: [1, 2, 3, 4, 5, 6])
    try IDXFile.write(stored, to: directory.file("emnist-letters-train-images-idx3-ubyte.gz"), compressed: true)
    try IDXFile.write(idxLabels([26]), to: directory.file("emnist-letters-train-labels-idx1-ubyte.gz"), compressed: true)
    let upright = try EMNISTDataset.load(from: directory.path, split: .letters)
    #expect(upright.height == 2 && upright.width == 3)
    #expect(upright.pixels == [1, 3, 5, 2, 4, 6])
    #expect(upright.labels == [25])
    #expect(upright.classNames[upright.labels[0]] == "z")
    #expect(upright.classNames.count == 26 && upright.classNames.first == "a")
    let asStored = try EMNISTDataset.load(from: directory.path, split: .letters, transposeUpright: false)
    #expect(asStored.pixels == [1, 2, 3, 4, 5, 6] && asStored.height == 3)
}

@Test func emnistLettersLabelZeroIsOutOfRange() throws {
    let directory = TemporaryDirectory()
    try IDXFile.write(idxImages(count: 1, height: 2, width: 2), to: directory.file("emnist-letters-test-images-idx3-ubyte"))
    let labels = directory.file("emnist-letters-test-labels-idx1-ubyte")
    try IDXFile.write(idxLabels([0]), to: labels)
    #expect(throws: DataError.labelOutOfRange(path: labels, index: 0, label: -1, classCount: 26)) {
        try EMNISTDataset.load(from: directory.path, split: .letters, partition: .test)
    }
}

@Test func emnistSplitClassCounts() {
    #expect(EMNISTDataset.Split.byclass.classNames.count == 62)
    #expect(EMNISTDataset.Split.balanced.classNames.count == 47)
    #expect(EMNISTDataset.Split.bymerge.classNames.count == 47)
    #expect(EMNISTDataset.Split.digits.classNames.count == 10)
}

@Test func labelImageCountMismatchIsRefused() throws {
    let directory = TemporaryDirectory()
    let images = directory.file("train-images-idx3-ubyte")
    let labels = directory.file("train-labels-idx1-ubyte")
    try IDXFile.write(idxImages(count: 3, height: 2, width: 2), to: images)
    try IDXFile.write(idxLabels([1, 2]), to: labels)
    #expect(throws: DataError.countMismatch(imagesPath: images, labelsPath: labels, images: 3, labels: 2)) {
        try MNISTDataset.load(from: directory.path)
    }
}

@Test func missingStandardFilesAreNamed() throws {
    let directory = TemporaryDirectory()
    let error = caught { _ = try MNISTDataset.load(from: directory.path) }
    guard case let .missingFile(folder, expected)? = error as? DataError else {
        Issue.record("expected missingFile, got \(String(describing: error))")
        return
    }
    #expect(folder == directory.path)
    #expect(expected.contains("train-images-idx3-ubyte.gz"))
}

@Test func wrongRankImageFileIsRefused() throws {
    let directory = TemporaryDirectory()
    let images = directory.file("train-images-idx3-ubyte")
    try IDXFile.write(idxLabels([1, 2]), to: images)
    try IDXFile.write(idxLabels([1, 2]), to: directory.file("train-labels-idx1-ubyte"))
    let error = caught { _ = try MNISTDataset.load(from: directory.path) }
    guard case let .badDimensions(path, _, _)? = error as? DataError else {
        Issue.record("expected badDimensions, got \(String(describing: error))")
        return
    }
    #expect(path == images)
}

@Test func realFashionMNISTTrainLoads() throws {
    let folder = FashionMNISTDataset.systemFolder
    guard FileManager.default.fileExists(atPath: folder + "/train-images-idx3-ubyte.gz") else { return }
    let start = Date()
    let train = try FashionMNISTDataset.load(from: folder)
    let seconds = Date().timeIntervalSince(start)
    #expect(train.shape == [60000, 28, 28, 1])
    #expect(train.labels.count == 60000)
    #expect(Set(train.labels) == Set(0..<10))
    print("Fashion-MNIST train loaded in \(seconds) s")
    let test = try FashionMNISTDataset.load(from: folder, partition: .test)
    #expect(test.shape == [10000, 28, 28, 1])
}
