import Data
import Foundation
import Imaging
import Testing
import TestSupport

/// An RGB image whose every pixel is (r, g, b) = (value, value / 2, 1 − value).
func solid(width: Int, height: Int, value: Float) -> Image {
    var image = Image(width: width, height: height, channels: 3)
    for y in 0..<height {
        for x in 0..<width {
            image[y, x, 0] = value
            image[y, x, 1] = value / 2
            image[y, x, 2] = 1 - value
        }
    }
    return image
}

@Test func imageFolderLabelsBySubfolder() throws {
    let directory = TemporaryDirectory()
    _ = directory.makeFolder("cats/deeper")
    _ = directory.makeFolder("dogs")
    try writeImage(solid(width: 4, height: 3, value: 0.2), to: directory.file("dogs/a.png"))
    try writeImage(solid(width: 4, height: 3, value: 0.4), to: directory.file("cats/b.PNG"))
    try writeImage(solid(width: 4, height: 3, value: 0.6), to: directory.file("cats/deeper/c.png"))
    directory.write(Array("notes".utf8), to: "cats/readme.txt")
    directory.write(Array("hidden".utf8), to: "dogs/.DS_Store.png")
    let dataset = try ImageFolderDataset.load(from: directory.path)
    #expect(dataset.classNames == ["cats", "dogs"])
    #expect(dataset.count == 3)
    #expect(dataset.labels == [0, 0, 1]) // sorted paths: cats/b.PNG, cats/deeper/c.png, dogs/a.png
    #expect(dataset.shape == [3, 3, 4, 3])
    #expect(Array(dataset.pixels[0..<3]) == [102, 51, 153])
}

@Test func imageFolderResizesAndConverts() throws {
    let directory = TemporaryDirectory()
    try writeImage(solid(width: 8, height: 8, value: 0.2), to: directory.file("a.png"))
    try writeImage(solid(width: 6, height: 4, value: 0.4), to: directory.file("b.jpg"))
    #expect(throws: DataError.self) { try ImageFolderDataset.load(from: directory.path) }
    let options = ImageFolderOptions(resize: (width: 4, height: 4), channels: 1)
    let dataset = try ImageFolderDataset.load(from: directory.path, options: options)
    #expect(dataset.shape == [2, 4, 4, 1])
    #expect(dataset.classNames.count == 1)
}

@Test func imageFolderErrors() throws {
    let directory = TemporaryDirectory()
    directory.write(Array("text".utf8), to: "only.txt")
    #expect(throws: DataError.noImages(folder: directory.path)) { try ImageFolderDataset.load(from: directory.path) }
    let fake = directory.write(Array("not really a png".utf8), to: "fake.png")
    #expect(throws: ImageError.notAnImage(path: fake)) { try ImageFolderDataset.load(from: directory.path) }
    #expect(throws: DataError.self) { try ImageFolderDataset.load(from: directory.file("absent")) }
}

@Test func lfwCropsAndResizes() throws {
    let directory = TemporaryDirectory()
    _ = directory.makeFolder("Ada_Lovelace")
    _ = directory.makeFolder("Alan_Turing")
    // 250x250 with a bright 90x90 centre (rows/columns 80…169) on a dark surround.
    var face = Image(width: 250, height: 250, channels: 3, filledWith: 0)
    for y in 80..<170 { for x in 80..<170 { for c in 0..<3 { face[y, x, c] = 1 } } }
    try writeImage(face, to: directory.file("Ada_Lovelace/Ada_Lovelace_0001.png"))
    try writeImage(face, to: directory.file("Alan_Turing/Alan_Turing_0001.png"))
    try writeImage(face, to: directory.file("Alan_Turing/Alan_Turing_0002.png"))
    let dataset = try LFWDataset.load(from: directory.path)
    #expect(dataset.shape == [3, 45, 45, 3])
    #expect(dataset.pixels.allSatisfy { $0 == 255 }) // the crop keeps only the bright centre
    #expect(dataset.classNames == ["Ada_Lovelace", "Alan_Turing"] && dataset.labels == [0, 1, 1])
    let wider = try LFWDataset.load(from: directory.path, crop: 250, size: 50, limit: 1)
    #expect(wider.shape == [1, 50, 50, 3] && wider.pixels.first == 0)
    let first = directory.file("Ada_Lovelace/Ada_Lovelace_0001.png")
    #expect(throws: DataError.imageSmallerThanCrop(path: first, found: [250, 250], crop: [300, 300])) {
        try LFWDataset.load(from: directory.path, crop: 300)
    }
}

@Test func datasetInfoSummaries() throws {
    let directory = TemporaryDirectory()
    try IDXFile.write(idxImages(count: 4, height: 5, width: 6), to: directory.file("train-images-idx3-ubyte.gz"), compressed: true)
    try IDXFile.write(idxLabels([0, 1, 1, 2]), to: directory.file("train-labels-idx1-ubyte.gz"), compressed: true)
    let folder = try DatasetInfo.inspect(path: directory.path)
    #expect(folder.count == 4 && folder.itemShape == [5, 6, 1] && folder.classNames == ["0", "1", "2"])
    let file = try DatasetInfo.inspect(path: directory.file("train-images-idx3-ubyte.gz"))
    #expect(file.format == "IDX images (gzip)" && file.count == 4 && file.itemShape == [5, 6, 1])
    #expect(file.valueRange == 0...Float(3 * 7 + 4 * 3 + 5) / 255)
    #expect(file.description.contains("items: 4"))
    let labels = try DatasetInfo.inspect(path: directory.file("train-labels-idx1-ubyte.gz"))
    #expect(labels.itemShape.isEmpty && labels.valueRange == 0...2)
    let text = directory.write(Array("hello".utf8), to: "x.txt")
    #expect(throws: DataError.self) { try DatasetInfo.inspect(path: text) }
    let images = TemporaryDirectory()
    try writeImage(solid(width: 3, height: 2, value: 0.2), to: images.file("a.png"))
    let imageInfo = try DatasetInfo.inspect(path: images.path)
    #expect(imageInfo.count == 1 && imageInfo.itemShape == [2, 3, 3])
}
