import Data
import Engine
import Testing

func tinyDataset(count: Int) -> ImageDataset {
    ImageDataset(name: "tiny", height: 2, width: 2, channels: 1,
                 pixels: (0..<(count * 4)).map { UInt8($0 % 256) }, labels: (0..<count).map { $0 % 3 }, classNames: ["a", "b", "c"])
}

@Test func splitSizesAndDeterminism() throws {
    let first = try DatasetSplit(count: 100, seed: 7)
    #expect(first.training.count == 80 && first.validation.count == 20)
    #expect(Set(first.training).isDisjoint(with: first.validation))
    #expect(Set(first.training + first.validation) == Set(0..<100))
    #expect(try DatasetSplit(count: 100, seed: 7) == first)
    #expect(try DatasetSplit(count: 100, seed: 8) != first)
    let mnist = try DatasetSplit(count: 60000, seed: 3)
    #expect(mnist.training.count == 48000 && mnist.validation.count == 12000)
    let tenth = try DatasetSplit(count: 100, validationFraction: 0.1, seed: 1)
    #expect(tenth.validation.count == 10)
    #expect(throws: DataError.self) { try DatasetSplit(count: 10, validationFraction: 1.5, seed: 1) }
}

@Test func datasetSplitCopiesTheRightImages() throws {
    let dataset = tinyDataset(count: 10)
    let (training, validation) = try dataset.split(seed: 11)
    #expect(training.count == 8 && validation.count == 2)
    let indices = try DatasetSplit(count: 10, seed: 11).validation
    for (k, index) in indices.enumerated() {
        #expect(validation.image(at: k) == dataset.image(at: index))
        #expect(validation.labels[k] == dataset.labels[index])
    }
}

@Test func batchesCoverEveryIndexOncePerEpoch() {
    var rng = RandomGenerator(seed: 5)
    let dataset = tinyDataset(count: 10)
    var seen: [Int] = []
    var sizes: [Int] = []
    var epoch = dataset.batches(batchSize: 4, shuffle: true, rng: &rng)
    #expect(epoch.batchCount == 3)
    while let batch = epoch.next() {
        seen += batch
        sizes.append(batch.count)
    }
    #expect(sizes == [4, 4, 2])
    #expect(seen.sorted() == Array(0..<10))
    #expect(seen != Array(0..<10)) // shuffled
    let second = Array(dataset.batches(batchSize: 4, shuffle: true, rng: &rng)).flatMap { $0 }
    #expect(second.sorted() == Array(0..<10) && second != seen) // a new order each epoch
    let ordered = Array(BatchIterator(count: 5, batchSize: 5, shuffle: false, rng: &rng))
    #expect(ordered == [[0, 1, 2, 3, 4]])
}

@Test func batchTensorIsScaledBytes() {
    let dataset = tinyDataset(count: 3)
    let batch = dataset.batch(indices: [2, 0])
    #expect(batch.shape == [2, 2, 2, 1])
    #expect(batch.scalars == [8, 9, 10, 11, 0, 1, 2, 3].map { Float($0) / 255 })
    #expect(dataset.labels(indices: [2, 0]) == [2, 0])
}
