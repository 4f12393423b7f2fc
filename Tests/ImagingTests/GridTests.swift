import Engine
import Imaging
import Testing
import TestSupport

@Test func gridLayoutMatchesMakeGrid() throws {
    // 5 images of 3x2 with 4 per row → 2 rows; width 4·(3+2)+2 = 22, height 2·(2+2)+2 = 10.
    let images = (0..<5).map { i in Image(width: 3, height: 2, channels: 1, filledWith: Float(i + 1) / 10) }
    let grid = try makeImageGrid(images, options: ImageGridOptions(imagesPerRow: 4))
    #expect(grid.width == 22 && grid.height == 10 && grid.channels == 1)
    #expect(grid[0, 0, 0] == 0 && grid[1, 2, 0] == 0)
    #expect(grid[2, 2, 0] == 0.1 && grid[3, 4, 0] == 0.1) // first tile
    #expect(grid[4, 2, 0] == 0)                             // padding below it
    #expect(grid[2, 7, 0] == 0.2)                           // second tile starts at x = 2 + 5
    #expect(grid[6, 2, 0] == 0.5)                           // fifth tile: row 1, column 0
    #expect(grid[6, 7, 0] == 0)                             // empty cell stays padding
}

@Test func gridValueRangeMapsAndClamps() throws {
    let batch = Tensor(shape: [2, 1, 2, 1], scalars: [-1, 0, 1, 3])
    let grid = try makeImageGrid(batch, options: ImageGridOptions(padding: 1, padValue: 0.25, valueRange: -1...1))
    #expect(grid.width == 7 && grid.height == 3)
    #expect(Array(grid.pixels[7..<14]) == [0.25, 0, 0.5, 0.25, 1, 1, 0.25])
}

@Test func gridLabelsAddCaptionRows() throws {
    let images = (0..<2).map { _ in Image(width: 12, height: 4, channels: 3) }
    let grid = try makeImageGrid(images, options: ImageGridOptions(labels: ["A", "!!"]))
    let cellHeight = 4 + ImageGridOptions.labelHeight + 2
    #expect(grid.height == cellHeight + 2 && grid.width == 2 * 14 + 2)
    // Glyph "A" row 0 is 0x0E: columns 1…3 set, drawn one row below the tile.
    let y = 2 + 4 + 1
    #expect(grid[y, 2, 0] == 0 && grid[y, 3, 0] == 1 && grid[y, 5, 2] == 1 && grid[y, 6, 0] == 0)
    // "A" row 4 is 0x1F: all five columns.
    #expect((2..<7).allSatisfy { grid[y + 4, $0, 1] == 1 })
    #expect(throws: ImageError.self) { try makeImageGrid(images, options: ImageGridOptions(labels: ["one"])) }
}

@Test func gridWritesPNG() throws {
    let directory = TemporaryDirectory()
    let path = directory.file("grid.png")
    try saveImageGrid(Tensor(repeating: 0.5, shape: [3, 4, 4, 3]), to: path, options: ImageGridOptions(imagesPerRow: 2))
    let read = try readImage(at: path)
    #expect(read.width == 14 && read.height == 14 && read.channels == 3)
}

@Test func fontCoversPrintableASCII() {
    #expect(BitmapFont.isSet("I", column: 2, row: 3))
    #expect(!BitmapFont.isSet(" ", column: 2, row: 3))
    #expect(Array(BitmapFont.glyph(for: "é")) == Array(BitmapFont.glyph(for: "?")))
    #expect(BitmapFont.width(of: "abc") == 17)
}
