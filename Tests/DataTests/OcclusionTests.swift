import Data
import Engine
import Foundation
import Imaging
import Testing
import TestSupport

func hiddenRows(_ mask: Tensor) -> [Int] {
    let (h, w) = (mask.shape[0], mask.shape[1])
    let values = mask.scalars
    return (0..<h).filter { y in (0..<w).allSatisfy { values[y * w + $0] == 0 } }
}

@Test func bottomHalfMatchesTheStudy() {
    let mnist = OcclusionMask.bottomHalf(height: 28, width: 28)
    #expect(mnist.shape == [28, 28, 1])
    #expect(hiddenRows(mnist) == Array(15...27))
    #expect(mnist.scalars[..<(15 * 28)].allSatisfy { $0 == 1 })
    #expect(hiddenRows(OcclusionMask.bottomHalf(height: 32, width: 32)) == Array(17...31))
    #expect(hiddenRows(OcclusionMask.bottomHalf(height: 45, width: 45)) == Array(23...44))
}

@Test func bottomHalfMaskZeroesRowsOfEveryChannelAndImage() throws {
    let batch = Tensor(repeating: 0.5, shape: [2, 28, 28, 3])
    let mask = try ImageMask(visible: OcclusionMask.bottomHalf(height: 28, width: 28))
    let occluded = mask.occlude(batch)
    #expect(try mask.fill(batch, with: 0).scalars == occluded.scalars)
    #expect(mask.hiddenCount == 13 * 28)
    #expect(mask.pasteVisible(from: batch, into: Tensor(repeating: 1, shape: [2, 28, 28, 3])).scalars.filter { $0 == 1 }.count == 2 * 13 * 28 * 3)
    #expect(throws: DataError.self) { try ImageMask(visible: Tensor(repeating: 0.5, shape: [2, 2, 1])) }
    let values = occluded.scalars
    for n in 0..<2 {
        for y in 0..<28 {
            let row = values[((n * 28 + y) * 28 * 3)..<((n * 28 + y + 1) * 28 * 3)]
            #expect(row.allSatisfy { $0 == (y >= 15 ? 0 : 0.5) })
        }
    }
}

@Test func halfAndSquareMasks() {
    func hiddenCount(_ t: Tensor) -> Int { t.scalars.filter { $0 == 0 }.count }
    #expect(hiddenRows(OcclusionMask.topHalf(height: 6, width: 4)) == [0, 1, 2])
    let left = OcclusionMask.leftHalf(height: 2, width: 5).scalars
    #expect(left == [0, 0, 1, 1, 1, 0, 0, 1, 1, 1])
    let right = OcclusionMask.rightHalf(height: 1, width: 5).scalars
    #expect(right == [1, 1, 0, 0, 0])
    let square = OcclusionMask.centredSquare(height: 6, width: 6, side: 2)
    #expect(hiddenCount(square) == 4)
    #expect(square.scalars[2 * 6 + 2] == 0 && square.scalars[3 * 6 + 3] == 0 && square.scalars[1 * 6 + 2] == 1)
}

@Test func randomMasksAreSeededAndBinary() {
    var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9)
    let r1 = OcclusionMask.randomRectangles(height: 20, width: 20, count: 3, minSide: 2, maxSide: 6, rng: &a)
    let r2 = OcclusionMask.randomRectangles(height: 20, width: 20, count: 3, minSide: 2, maxSide: 6, rng: &b)
    #expect(r1.scalars == r2.scalars)
    #expect(r1.scalars.contains(0) && r1.scalars.allSatisfy { $0 == 0 || $0 == 1 })
    let s1 = OcclusionMask.randomStrokes(height: 32, width: 32, strokes: 4, rng: &a)
    let s2 = OcclusionMask.randomStrokes(height: 32, width: 32, strokes: 4, rng: &b)
    #expect(s1.scalars == s2.scalars)
    let hidden = s1.scalars.filter { $0 == 0 }.count
    #expect(hidden > 0 && hidden < 32 * 32)
}

@Test func maskRoundTripsThroughPNG() throws {
    let directory = TemporaryDirectory()
    let mask = OcclusionMask.centredSquare(height: 8, width: 10, side: 4)
    let path = directory.file("mask.png")
    try OcclusionMask.write(mask, to: path)
    #expect(try OcclusionMask.read(at: path, height: 8, width: 10).scalars == mask.scalars)
    #expect(throws: DataError.self) { try OcclusionMask.read(at: path, height: 9, width: 10) }
}

@Test func perChannelAndPerSampleMasksApply() throws {
    let batch = Tensor(shape: [2, 1, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
    let perChannel = Tensor(shape: [1, 2, 2], scalars: [1, 0, 0, 1])
    #expect(try applyMask(perChannel, to: batch).scalars == [1, 0, 0, 4, 5, 0, 0, 8])
    let perSample = Tensor(shape: [2, 1, 2, 1], scalars: [1, 0, 0, 1])
    #expect(try applyMask(perSample, to: batch, fill: -1).scalars == [1, 2, -1, -1, -1, -1, 7, 8])
    #expect(throws: DataError.self) { try applyMask(Tensor(zeros: [3, 3, 1]), to: batch) }
}

@Test func reconstructionMetrics() throws {
    let target = Tensor(shape: [1, 2, 2, 1], scalars: [0, 0, 0, 0])
    let output = Tensor(shape: [1, 2, 2, 1], scalars: [1, 0, 2, 0])
    #expect(try ReconstructionMetrics.meanSquaredError(output, target) == 5.0 / 4)
    let mask = Tensor(shape: [2, 2, 1], scalars: [1, 1, 0, 0]) // bottom row hidden
    #expect(try ReconstructionMetrics.hiddenMeanSquaredError(output, target, mask: mask) == 4.0 / 2)
    #expect(try ReconstructionMetrics.hiddenMeanSquaredError(output, target, mask: Tensor(repeating: 1, shape: [2, 2, 1])) == 0)
    #expect(throws: DataError.self) { try ReconstructionMetrics.meanSquaredError(output, Tensor(zeros: [4])) }
}
