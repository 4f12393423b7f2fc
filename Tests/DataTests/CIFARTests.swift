import Data
import Testing
import TestSupport

@Test func cifar100RecordsDecodePlanarToHWC() throws {
    let directory = TemporaryDirectory()
    let folder = directory.makeFolder("cifar-100-binary")
    directory.write(cifarRecord(labels: [3, 42], seed: 0) + cifarRecord(labels: [19, 99], seed: 10), to: "cifar-100-binary/train.bin")
    let names = (0..<100).map { "fine\($0)" }.joined(separator: "\n") + "\n"
    directory.write(Array(names.utf8), to: "cifar-100-binary/fine_label_names.txt")
    // Loading from the parent folder finds cifar-100-binary/.
    let fine = try CIFAR100Dataset.load(from: directory.path)
    #expect(fine.shape == [2, 32, 32, 3])
    #expect(fine.labels == [42, 99])
    #expect(fine.classNames[42] == "fine42")
    // Record 0, pixel p = 5 (row 0, column 5): R = 5, G = 55, B = 105.
    #expect(Array(fine.pixels[15..<18]) == [5, 55, 105])
    // Record 1, pixel 33 (row 1, column 1): (33 + 10), (83 + 10), (133 + 10).
    let second = 3072 + 33 * 3
    #expect(Array(fine.pixels[second..<(second + 3)]) == [43, 93, 143])
    let coarse = try CIFAR100Dataset.load(from: folder, labels: .coarse)
    #expect(coarse.labels == [3, 19])
    #expect(coarse.classNames == (0..<20).map(String.init)) // no coarse_label_names.txt: numbers
}

@Test func cifar10BatchesConcatenate() throws {
    let directory = TemporaryDirectory()
    for b in 1...5 { directory.write(cifarRecord(labels: [UInt8(b)], seed: b), to: "data_batch_\(b).bin") }
    directory.write(cifarRecord(labels: [0], seed: 0), to: "test_batch.bin")
    let train = try CIFAR10Dataset.load(from: directory.path)
    #expect(train.count == 5 && train.labels == [1, 2, 3, 4, 5])
    #expect(train.classNames[1] == "automobile")
    #expect(Array(train.pixels[(3072 * 2)..<(3072 * 2 + 3)]) == [3, 53, 103])
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"].joined(separator: "\n")
    directory.write(Array(names.utf8), to: "batches.meta.txt")
    let test = try CIFAR10Dataset.load(from: directory.path, partition: .test)
    #expect(test.count == 1 && test.classNames[0] == "a")
}

@Test func cifarMalformedFilesAreRefused() throws {
    let directory = TemporaryDirectory()
    let truncated = directory.write(Array(cifarRecord(labels: [1, 2], seed: 0).dropLast(7)), to: "train.bin")
    #expect(throws: DataError.partialRecord(path: truncated, size: 3074 - 7, recordSize: 3074)) {
        try CIFAR100Dataset.load(from: directory.path)
    }
    let badLabel = directory.write(cifarRecord(labels: [1, 150], seed: 0), to: "test.bin")
    #expect(throws: DataError.labelOutOfRange(path: badLabel, index: 0, label: 150, classCount: 100)) {
        try CIFAR100Dataset.load(from: directory.path, partition: .test)
    }
    let other = TemporaryDirectory()
    other.write(cifarRecord(labels: [1, 2], seed: 0), to: "train.bin")
    let names = other.write(Array("one\ntwo\n".utf8), to: "fine_label_names.txt")
    #expect(throws: DataError.badLabelNames(path: names, found: 2, expected: 100)) { try CIFAR100Dataset.load(from: other.path) }
    let missing = TemporaryDirectory()
    #expect(throws: DataError.self) { try CIFAR10Dataset.load(from: missing.path) }
}
